package org.duodistill.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A small DICOM data set parser (PS3.5 chapter 7, PS3.10 chapter 7), enough for {@link DicomReader}:
 * the File Meta Information and its Transfer Syntax, explicit and implicit VR, little and big endian,
 * deflated data sets, nested sequences of defined and undefined length, and the location of the
 * Pixel Data. Values are decoded on demand from the file's bytes. Files without preamble and File
 * Meta Information are recognised from their first elements.
 */
final class DicomDataset {
	static final int PIXEL_DATA = 0x7FE00010;
	static final int FLOAT_PIXEL_DATA = 0x7FE00008;
	static final int DOUBLE_PIXEL_DATA = 0x7FE00009;
	static final int TRANSFER_SYNTAX = 0x00020010;
	private static final int ITEM = 0xFFFEE000;
	private static final int ITEM_END = 0xFFFEE00D;
	private static final int SEQUENCE_END = 0xFFFEE0DD;
	private static final long UNDEFINED = 0xFFFFFFFFL;
	private static final int MAX_DEPTH = 32;

	static final String IMPLICIT_LE = "1.2.840.10008.1.2";
	static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
	static final String DEFLATED_LE = "1.2.840.10008.1.2.1.99";
	static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";

	/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 Table 7.1-1). */
	private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");
	private static final Set<String> VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "OB", "OD", "OF",
			"OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV");

	/** VRs of the elements this reader uses, for implicit VR data sets (from PS3.6). */
	private static final Map<Integer, String> DICTIONARY = new HashMap<>();
	static {
		String[] d = {
				"00020010 UI", "00080016 UI", "00080060 CS", "0020000E UI", "00200013 IS", "00200032 DS", "00200037 DS", "00200052 UI",
				"00280002 US", "00280004 CS", "00280006 US", "00280008 IS", "00280010 US", "00280011 US", "00280100 US", "00280101 US",
				"00280102 US", "00280103 US", "00281052 DS", "00281053 DS", "00281054 LO", "00281101 US", "00281102 US", "00281103 US",
				"00281201 OW", "00281202 OW", "00281203 OW", "00281221 OW", "00281222 OW", "00281223 OW", "00283000 SQ", "00283002 US",
				"00283006 OW", "00289145 SQ", "00209111 SQ", "00209113 SQ", "00209116 SQ", "00289110 SQ", "00280030 DS", "52009229 SQ", "52009230 SQ", "7FE00010 OW",
				"7FE00008 OF", "7FE00009 OD"};
		for (String e : d) DICTIONARY.put((int) Long.parseLong(e.substring(0, 8), 16), e.substring(9));
	}

	/** Malformed or truncated input; {@code truncated} when the bytes end before the data set does. */
	static final class ParseException extends Exception {
		private static final long serialVersionUID = 1L;
		final boolean truncated;

		ParseException(String message, boolean truncated) {
			super(message);
			this.truncated = truncated;
		}
	}

	/** One data element: where its value lies in {@link #buffer}, or its items for a sequence. */
	record Element(int tag, String vr, byte[] buffer, int offset, long length, boolean little, List<DicomDataset> items) {
		boolean undefinedLength() {
			return length == UNDEFINED;
		}
	}

	private final Map<Integer, Element> elements = new HashMap<>();
	/** Set on the top-level data set only. */
	String transferSyntax;
	boolean explicitVr;
	boolean littleEndian;
	boolean hasPreamble;
	boolean hasFileMeta;
	/** Bytes available for the Pixel Data value (less than its length when the file is truncated). */
	long pixelDataAvailable;
	/** The parse stopped at the end of the bytes given, inside the data set (header-only reads). */
	boolean incomplete;

	Element get(int tag) {
		return elements.get(tag);
	}

	boolean has(int tag) {
		return elements.containsKey(tag);
	}

	// ------------------------------------------------------------------------------ values

	String string(int tag) {
		Element e = elements.get(tag);
		if (e == null || e.items != null || e.undefinedLength()) return null;
		int n = (int) Math.min(e.length, e.buffer.length - e.offset);
		String s = new String(e.buffer, e.offset, Math.max(0, n), StandardCharsets.ISO_8859_1);
		int end = s.length();
		while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == 0)) end--;
		int start = 0;
		while (start < end && s.charAt(start) == ' ') start++;
		return s.substring(start, end);
	}

	/** Backslash-separated values of a string element, trimmed. */
	String[] strings(int tag) {
		String s = string(tag);
		if (s == null || s.isEmpty()) return new String[0];
		String[] v = s.split("\\\\", -1);
		for (int i = 0; i < v.length; i++) v[i] = v[i].trim();
		return v;
	}

	/** Numbers of a DS/IS/FD/FL/US/SS/UL/SL element; null when absent, empty or not numeric. */
	double[] numbers(int tag) {
		Element e = elements.get(tag);
		if (e == null || e.items != null || e.undefinedLength() || e.length == 0) return null;
		switch (e.vr) {
			case "US", "SS", "UL", "SL", "FL", "FD", "OW" -> {
				int size = switch (e.vr) {
					case "US", "SS", "OW" -> 2;
					case "FD" -> 8;
					default -> 4;
				};
				int n = (int) (e.length / size);
				double[] v = new double[n];
				for (int i = 0; i < n; i++) {
					int p = e.offset + i * size;
					v[i] = switch (e.vr) {
						case "US", "OW" -> u16(e.buffer, p, e.little);
						case "SS" -> (short) u16(e.buffer, p, e.little);
						case "UL" -> u32(e.buffer, p, e.little);
						case "SL" -> (int) u32(e.buffer, p, e.little);
						case "FL" -> Float.intBitsToFloat((int) u32(e.buffer, p, e.little));
						default -> Double.longBitsToDouble(u64(e.buffer, p, e.little));
					};
				}
				return v;
			}
			default -> {
				String[] s = strings(tag);
				if (s.length == 0) return null;
				double[] v = new double[s.length];
				for (int i = 0; i < s.length; i++) {
					try {
						v[i] = Double.parseDouble(s[i]);
					} catch (NumberFormatException x) {
						return null;
					}
				}
				return v;
			}
		}
	}

	/** The first number of an element, or {@code otherwise}. */
	double number(int tag, double otherwise) {
		double[] v = numbers(tag);
		return v == null || v.length == 0 ? otherwise : v[0];
	}

	int integer(int tag, int otherwise) {
		double[] v = numbers(tag);
		return v == null || v.length == 0 ? otherwise : (int) Math.round(v[0]);
	}

	/** Items of a sequence element (empty when absent or not a sequence). */
	List<DicomDataset> items(int tag) {
		Element e = elements.get(tag);
		return e == null || e.items == null ? List.of() : e.items;
	}

	// ------------------------------------------------------------------------------ parsing

	/** Whether the first bytes of a file look like DICOM: preamble + "DICM", or a bare data set. */
	static boolean looksLikeDicom(byte[] head, long fileSize) {
		if (head.length >= 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M') return true;
		return bareEncoding(head, 0, fileSize) != null;
	}

	/**
	 * Parses a whole file. With {@code headerOnly}, stops before the Pixel Data and accepts bytes
	 * that end inside the data set (marking the result {@link #incomplete}).
	 */
	static DicomDataset parse(byte[] data, boolean headerOnly) throws ParseException {
		DicomDataset ds = new DicomDataset();
		int pos = 0;
		if (data.length >= 132 && data[128] == 'D' && data[129] == 'I' && data[130] == 'C' && data[131] == 'M') {
			ds.hasPreamble = true;
			pos = 132;
		}
		// File Meta Information: group 0002, always explicit VR little endian
		if (pos + 6 <= data.length && u16(data, pos, true) == 0x0002 && isVr(data, pos + 4)) {
			ds.hasFileMeta = true;
			Parser meta = new Parser(data, true, true, headerOnly);
			pos = meta.dataset(ds, pos, data.length, 0, true);
			ds.transferSyntax = ds.string(TRANSFER_SYNTAX);
			if (ds.transferSyntax != null && ds.transferSyntax.isEmpty()) ds.transferSyntax = null;
		} else if (ds.hasPreamble && pos < data.length && !isVr(data, pos + 4) && bareEncoding(data, pos, data.length) == null) {
			throw new ParseException("no data set after the DICM prefix", false);
		}
		byte[] body = data;
		String ts = ds.transferSyntax;
		boolean explicit;
		boolean little;
		if (DEFLATED_LE.equals(ts)) {
			body = inflate(data, pos);
			pos = 0;
			explicit = true;
			little = true;
		} else if (ts == null) {
			// no (usable) meta: detect the encoding from the first element
			Boolean[] enc = bareEncoding(data, pos, data.length);
			if (enc == null) {
				if (pos >= data.length) throw new ParseException("no data set after the File Meta Information", true);
				throw new ParseException("not a DICOM data set (no DICM prefix and no recognisable first element)", false);
			}
			explicit = enc[0];
			little = enc[1];
		} else {
			little = !EXPLICIT_BE.equals(ts);
			explicit = !IMPLICIT_LE.equals(ts);
			// some writers state one encoding and use the other: trust the bytes
			if (pos + 6 <= data.length && explicit != isVr(data, pos + 4)) {
				Boolean[] enc = bareEncoding(data, pos, data.length);
				if (enc != null) {
					explicit = enc[0];
					little = enc[1];
				}
			}
		}
		ds.explicitVr = explicit;
		ds.littleEndian = little;
		Parser p = new Parser(body, explicit, little, headerOnly);
		p.dataset(ds, pos, body.length, 0, false);
		ds.incomplete = p.incomplete;
		return ds;
	}

	/** Raw deflate after the File Meta Information (PS3.5 A.5); zlib-wrapped streams are accepted too. */
	private static byte[] inflate(byte[] data, int pos) throws ParseException {
		for (boolean nowrap : new boolean[] {true, false}) {
			Inflater inf = new Inflater(nowrap);
			try {
				inf.setInput(data, pos, data.length - pos);
				ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, 4 * (data.length - pos)));
				byte[] buf = new byte[65536];
				while (!inf.finished()) {
					int n = inf.inflate(buf);
					if (n == 0) {
						if (inf.needsInput()) throw new ParseException("truncated deflated data set", true);
						if (inf.needsDictionary()) break;
					}
					out.write(buf, 0, n);
				}
				if (inf.finished()) return out.toByteArray();
			} catch (DataFormatException e) {
				// try the other framing
			} finally {
				inf.end();
			}
		}
		throw new ParseException("deflated data set is not a valid deflate stream", false);
	}

	/**
	 * {explicit VR, little endian} of a data set starting at {@code pos} without File Meta, judged
	 * from its first two elements, or null when they do not look like DICOM.
	 */
	static Boolean[] bareEncoding(byte[] b, int pos, long fileSize) {
		if (pos + 8 > b.length) return null;
		// The first groups are small (0002, 0008, 0010, ...): a zero high byte says which byte order.
		boolean guess = !(b[pos] == 0 && b[pos + 1] != 0);
		for (boolean little : new boolean[] {guess, !guess}) {
			for (boolean explicit : new boolean[] {true, false}) {
				if (plausibleStart(b, pos, explicit, little, fileSize)) return new Boolean[] {explicit, little};
			}
		}
		return null;
	}

	private static boolean plausibleStart(byte[] b, int pos, boolean explicit, boolean little, long fileSize) {
		int prevTag = -1;
		for (int k = 0; k < 2; k++) {
			if (pos + 8 > b.length) return k > 0;
			int group = u16(b, pos, little);
			int tag = group << 16 | u16(b, pos + 2, little);
			if (k == 0 && (group < 0x0002 || group > 0x0030 || (group & 1) != 0)) return false;
			if (Integer.compareUnsigned(tag, prevTag) <= 0 && k > 0) return false;
			if (group == 0xFFFE) return false;
			String vr = null;
			if (explicit) {
				if (!isVr(b, pos + 4)) return false;
				vr = new String(b, pos + 4, 2, StandardCharsets.US_ASCII);
			}
			int header = headerSize(vr);
			if (pos + header > b.length) return true;
			long len = valueLength(b, pos, vr, little);
			if (len == UNDEFINED) return true;
			if (pos + header + len > fileSize) return false;
			prevTag = tag;
			pos += header + (int) len;
		}
		return true;
	}

	/**
	 * Element header size: 12 bytes for explicit VRs with a 32-bit length (OB, OW, SQ, UN, ...),
	 * 8 otherwise; {@code vr} is null for implicit VR and for item/delimiter tags.
	 */
	private static int headerSize(String vr) {
		return vr != null && LONG_VRS.contains(vr) ? 12 : 8;
	}

	/** The element's value length, read from where {@link #headerSize} says it is. */
	private static long valueLength(byte[] b, int pos, String vr, boolean little) {
		if (vr == null) return u32(b, pos + 4, little);
		return LONG_VRS.contains(vr) ? u32(b, pos + 8, little) : u16(b, pos + 6, little);
	}

	private static boolean isVr(byte[] b, int p) {
		if (p + 2 > b.length) return false;
		char c0 = (char) b[p];
		char c1 = (char) b[p + 1];
		return c0 >= 'A' && c0 <= 'Z' && c1 >= 'A' && c1 <= 'Z' && VRS.contains("" + c0 + c1);
	}

	private static String tagName(int tag) {
		return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
	}

	/** Recursive descent over one encoding. */
	private static final class Parser {
		final byte[] b;
		final boolean explicit;
		final boolean little;
		final boolean headerOnly;
		boolean incomplete;

		Parser(byte[] b, boolean explicit, boolean little, boolean headerOnly) {
			this.b = b;
			this.explicit = explicit;
			this.little = little;
			this.headerOnly = headerOnly;
		}

		/**
		 * Elements from {@code pos} to {@code end} (or an Item Delimitation Item) into {@code ds};
		 * returns the position after them. {@code metaOnly}: stop at the first non-0002 group.
		 */
		int dataset(DicomDataset ds, int pos, int end, int depth, boolean metaOnly) throws ParseException {
			if (depth > MAX_DEPTH) throw new ParseException("sequences nested deeper than " + MAX_DEPTH, false);
			while (pos < end) {
				if (pos + 8 > end) {
					if (depth == 0 && allZero(pos, end)) return end; // trailing padding
					return stop(ds, "the file ends inside the element header at byte " + pos, pos);
				}
				int group = u16(b, pos, little);
				if (metaOnly && group != 0x0002) return pos;
				int tag = group << 16 | u16(b, pos + 2, little);
				if (tag == ITEM_END) return pos + 8;
				if (tag == SEQUENCE_END) return pos; // malformed: let the sequence see it
				String vr = null;
				if (explicit && group != 0xFFFE) {
					if (!isVr(b, pos + 4)) {
						if (depth == 0 && !metaOnly && tag > PIXEL_DATA) return end; // junk after the pixel data
						throw new ParseException("invalid value representation in element " + tagName(tag) + " at byte " + pos, false);
					}
					vr = new String(b, pos + 4, 2, StandardCharsets.US_ASCII);
				}
				int header = headerSize(vr);
				if (pos + header > end) return stop(ds, "the file ends inside the header of " + tagName(tag), pos);
				long len = valueLength(b, pos, vr, little);
				if (vr == null) vr = DICTIONARY.getOrDefault(tag, len == UNDEFINED ? "SQ" : "UN");
				int value = pos + header;
				boolean pixel = depth == 0 && (tag == PIXEL_DATA || tag == FLOAT_PIXEL_DATA || tag == DOUBLE_PIXEL_DATA);
				if (pixel) {
					if (headerOnly) {
						ds.elements.put(tag, new Element(tag, vr, b, value, len, little, null));
						return end;
					}
					ds.elements.put(tag, new Element(tag, vr, b, value, len, little, null));
					ds.pixelDataAvailable = len == UNDEFINED ? Math.max(0, end - value) : Math.min(len, Math.max(0, end - value));
					return end; // nothing after the pixel data matters here
				}
				if (len == UNDEFINED) {
					// a sequence, or UN holding one in implicit VR little endian (PS3.5 6.2.2)
					Parser inner = vr.equals("UN") ? new Parser(b, false, true, headerOnly) : this;
					List<DicomDataset> items = new ArrayList<>();
					int next = inner.sequence(items, value, end, true, depth + 1);
					if (inner.incomplete) incomplete = true;
					ds.elements.put(tag, new Element(tag, vr, b, value, len, little, Collections.unmodifiableList(items)));
					if (next < 0) return end;
					pos = next;
					continue;
				}
				if (value + len > end) {
					return stop(ds, "the file ends inside element " + tagName(tag) + " (" + len + " bytes declared, " + Math.max(0, end - value) + " present)", pos);
				}
				List<DicomDataset> items = null;
				if (vr.equals("SQ")) {
					items = new ArrayList<>();
					sequence(items, value, (int) (value + len), false, depth + 1);
					items = Collections.unmodifiableList(items);
				}
				ds.elements.put(tag, new Element(tag, vr, b, value, len, little, items));
				pos = (int) (value + len);
			}
			return pos;
		}

		/** Items of a sequence; returns the position after it, or -1 when the bytes ended (header-only). */
		int sequence(List<DicomDataset> items, int pos, int end, boolean undefined, int depth) throws ParseException {
			while (pos < end) {
				if (pos + 8 > end) break;
				int tag = u16(b, pos, little) << 16 | u16(b, pos + 2, little);
				long len = u32(b, pos + 4, little);
				if (tag == SEQUENCE_END) return pos + 8;
				if (tag != ITEM) throw new ParseException("expected a sequence item at byte " + pos + ", found " + tagName(tag), false);
				DicomDataset item = new DicomDataset();
				int start = pos + 8;
				if (len == UNDEFINED) {
					pos = dataset(item, start, end, depth, false);
				} else {
					if (start + len > end) {
						if (headerOnly) {
							incomplete = true;
							return -1;
						}
						throw new ParseException("the file ends inside a sequence item at byte " + pos, true);
					}
					dataset(item, start, (int) (start + len), depth, false);
					pos = (int) (start + len);
				}
				items.add(item);
				if (incomplete) return -1;
			}
			if (undefined) {
				if (headerOnly) {
					incomplete = true;
					return -1;
				}
				throw new ParseException("the file ends inside a sequence (no sequence delimiter)", true);
			}
			return pos;
		}

		private int stop(DicomDataset ds, String why, int pos) throws ParseException {
			if (headerOnly) {
				incomplete = true;
				return b.length; // past every end: callers unwind
			}
			throw new ParseException(why, true);
		}

		private boolean allZero(int from, int to) {
			for (int i = from; i < to; i++) if (b[i] != 0) return false;
			return true;
		}
	}

	// ------------------------------------------------------------------------------ encapsulated pixel data

	/**
	 * The items of encapsulated Pixel Data (PS3.5 A.4): the Basic Offset Table (empty when the first
	 * item has no value) and the fragments, each as its value's offset and length in {@code buffer}
	 * and the position of its item tag counted from the first fragment's item tag, the origin of the
	 * Basic Offset Table's offsets.
	 */
	record Encapsulated(byte[] buffer, long[] offsetTable, int[] fragmentOffset, int[] fragmentLength, long[] itemPosition) {
		int fragments() {
			return fragmentOffset.length;
		}

		/**
		 * The fragments of each of {@code frames} frames, as fragment index ranges [from, to): all
		 * fragments when there is one frame; else by the Basic Offset Table when it has one entry per
		 * frame, each pointing at a fragment's item; else one fragment per frame.
		 */
		int[][] frameFragments(int frames) throws ParseException {
			int n = fragments();
			if (n == 0) throw new ParseException("encapsulated Pixel Data without fragments", false);
			int[][] ranges = new int[frames][];
			if (frames == 1) {
				ranges[0] = new int[] {0, n};
				return ranges;
			}
			if (offsetTable.length > 0) {
				if (offsetTable.length != frames) {
					throw new ParseException("the Basic Offset Table has " + offsetTable.length + " entries for " + frames + " frames", false);
				}
				int k = 0;
				for (int f = 0; f < frames; f++) {
					while (k < n && itemPosition[k] < offsetTable[f]) k++;
					if (k == n || itemPosition[k] != offsetTable[f] || (f == 0 ? k != 0 : k <= ranges[f - 1][0])) {
						throw new ParseException("Basic Offset Table entry " + (f + 1) + " (" + offsetTable[f]
								+ ") does not point at the start of a fragment in frame order", false);
					}
					ranges[f] = new int[] {k, n};
					if (f > 0) ranges[f - 1][1] = k;
				}
				return ranges;
			}
			if (n != frames) {
				throw new ParseException(n + " fragments for " + frames + " frames and no Basic Offset Table to say which frame each belongs to", false);
			}
			for (int f = 0; f < frames; f++) ranges[f] = new int[] {f, f + 1};
			return ranges;
		}

		/** The bytes of fragments [from, to): no copy for a single fragment. */
		Span join(int from, int to) {
			if (to - from == 1) return new Span(buffer, fragmentOffset[from], fragmentLength[from]);
			long total = 0;
			for (int i = from; i < to; i++) total += fragmentLength[i];
			byte[] out = new byte[Math.toIntExact(total)];
			int p = 0;
			for (int i = from; i < to; i++) {
				System.arraycopy(buffer, fragmentOffset[i], out, p, fragmentLength[i]);
				p += fragmentLength[i];
			}
			return new Span(out, 0, out.length);
		}
	}

	/** {@code length} bytes of {@code buffer} from {@code offset}. */
	record Span(byte[] buffer, int offset, int length) {
	}

	/**
	 * The Basic Offset Table and fragments of Pixel Data of undefined length, whose value starts at
	 * {@code e.offset()} and of which {@code available} bytes are present. Item headers are little
	 * endian (encapsulation is defined for Explicit VR Little Endian only).
	 */
	static Encapsulated encapsulated(Element e, long available) throws ParseException {
		byte[] b = e.buffer();
		int start = e.offset();
		long end = Math.min(b.length, start + available);
		int pos = start;
		long[] table = null;
		List<int[]> fragments = new ArrayList<>();
		long first = -1;
		while (true) {
			int item = table == null ? 0 : fragments.size() + 1;
			String what = table == null ? "the Basic Offset Table item" : "fragment " + item;
			if (pos + 8 > end) {
				throw new ParseException("the file ends inside the encapsulated Pixel Data (7FE0,0010) before "
						+ (table == null ? "its Basic Offset Table" : "its Sequence Delimitation Item, after "
								+ fragments.size() + (fragments.size() == 1 ? " fragment" : " fragments")), true);
			}
			int tag = u16(b, pos, true) << 16 | u16(b, pos + 2, true);
			long len = u32(b, pos + 4, true);
			if (tag == SEQUENCE_END) {
				if (table == null) throw new ParseException("encapsulated Pixel Data (7FE0,0010) without a Basic Offset Table item", false);
				break;
			}
			if (tag != ITEM) {
				throw new ParseException("expected " + what + " of the encapsulated Pixel Data (7FE0,0010) at byte " + pos + ", found " + tagName(tag), false);
			}
			if (len == UNDEFINED) throw new ParseException(what + " of the encapsulated Pixel Data (7FE0,0010) has an undefined length", false);
			int value = pos + 8;
			if (value + len > end) {
				throw new ParseException("the file ends inside " + what + " of the encapsulated Pixel Data (7FE0,0010) (" + len
						+ " bytes declared, " + Math.max(0, end - value) + " present)", true);
			}
			if (table == null) {
				if (len % 4 != 0) throw new ParseException("the Basic Offset Table of the encapsulated Pixel Data is " + len + " bytes long, not a multiple of 4", false);
				table = new long[(int) (len / 4)];
				for (int i = 0; i < table.length; i++) table[i] = u32(b, value + 4 * i, true);
			} else {
				if (first < 0) first = pos;
				fragments.add(new int[] {value, (int) len, pos});
			}
			pos = (int) (value + len);
		}
		int n = fragments.size();
		int[] off = new int[n];
		int[] len = new int[n];
		long[] at = new long[n];
		for (int i = 0; i < n; i++) {
			off[i] = fragments.get(i)[0];
			len[i] = fragments.get(i)[1];
			at[i] = fragments.get(i)[2] - first;
		}
		return new Encapsulated(b, table, off, len, at);
	}

	// ------------------------------------------------------------------------------ bytes

	static int u16(byte[] b, int p, boolean little) {
		return little ? (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 : (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
	}

	static long u32(byte[] b, int p, boolean little) {
		long v = little
				? (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24
				: (b[p] & 0xffL) << 24 | (b[p + 1] & 0xffL) << 16 | (b[p + 2] & 0xffL) << 8 | (b[p + 3] & 0xffL);
		return v;
	}

	static long u64(byte[] b, int p, boolean little) {
		long lo = u32(b, little ? p : p + 4, little);
		long hi = u32(b, little ? p + 4 : p, little);
		return hi << 32 | lo;
	}
}
