package org.duodistill.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DICOM without Bio-Formats: uncompressed pixel data in Implicit VR Little Endian, Explicit VR Little
 * and Big Endian and Deflated Explicit VR Little Endian, parsed by {@link DicomDataset}, and RLE
 * Lossless (PS3.5 Annex G, decoded by {@link RleLossless}: the encapsulated fragments of each frame,
 * found by the Basic Offset Table or one fragment per frame, decoded to native samples that then take
 * the same path as uncompressed ones). Values are what the file means, for a classifier:
 * <ul>
 * <li>stored values are the BitsStored bits ending at HighBit, sign-extended when PixelRepresentation
 * is 1 (PS3.5 8.1.1);</li>
 * <li>the modality LUT is applied to monochrome images: the Modality LUT Sequence, else
 * RescaleSlope/RescaleIntercept, taken per frame from the Per-frame or Shared Functional Groups of
 * enhanced multi-frame files (CT gives Hounsfield units);</li>
 * <li>MONOCHROME1 is inverted so that higher is brighter, as in MONOCHROME2:
 * {@code out = lo + hi - m(v)}, where m is the modality LUT and lo / hi are the smallest and largest
 * values m gives over the stored value range (0 .. 2^BitsStored-1, or the signed range; with a Modality
 * LUT Sequence the smallest and largest LUT entries). The same stored value always gives the same
 * output, whatever else is in the image;</li>
 * <li>RGB, PALETTE COLOR (the LUT applied; 16-bit entries shifted right by 8), YBR_FULL and
 * uncompressed YBR_FULL_422 (converted with PS3.3 C.7.6.3.1.2, rounded, clipped) give three channels
 * 0..255 (RGB with 16 or 32 bits allocated: 0..65535 or 0..2^32-1), whatever the PlanarConfiguration
 * (RLE Lossless has one segment per sample, so its samples are decoded plane by plane whatever the
 * attribute says, PS3.5 8.2.2);</li>
 * <li>multi-frame files give one plane per frame.</li>
 * </ul>
 * Other compressed transfer syntaxes (JPEG, JPEG-LS, JPEG 2000, ...) are refused with a reason that
 * names the transfer syntax and points to Bio-Formats. Malformed RLE data (a segment count that does
 * not match the samples and bits allocated, segment offsets out of range, a segment that decodes to
 * the wrong length, fragments that do not match the frames) is refused with a reason naming the
 * problem. {@link #sortSeries} orders the files of a series.
 */
public final class DicomReader implements ImageReader {
	private static final int MODALITY = 0x00080060;
	private static final int INSTANCE_NUMBER = 0x00200013;
	private static final int IMAGE_POSITION = 0x00200032;
	private static final int IMAGE_ORIENTATION = 0x00200037;
	private static final int SAMPLES_PER_PIXEL = 0x00280002;
	private static final int PHOTOMETRIC = 0x00280004;
	private static final int PLANAR_CONFIGURATION = 0x00280006;
	private static final int NUMBER_OF_FRAMES = 0x00280008;
	private static final int ROWS = 0x00280010;
	private static final int COLUMNS = 0x00280011;
	private static final int BITS_ALLOCATED = 0x00280100;
	private static final int BITS_STORED = 0x00280101;
	private static final int HIGH_BIT = 0x00280102;
	private static final int PIXEL_REPRESENTATION = 0x00280103;
	private static final int RESCALE_INTERCEPT = 0x00281052;
	private static final int RESCALE_SLOPE = 0x00281053;
	private static final int[] PALETTE_DESCRIPTOR = {0x00281101, 0x00281102, 0x00281103};
	private static final int[] PALETTE_DATA = {0x00281201, 0x00281202, 0x00281203};
	private static final int SEGMENTED_RED_PALETTE = 0x00281221;
	private static final int MODALITY_LUT_SEQUENCE = 0x00283000;
	private static final int LUT_DESCRIPTOR = 0x00283002;
	private static final int LUT_DATA = 0x00283006;
	private static final int PIXEL_VALUE_TRANSFORMATION = 0x00289145;
	private static final int SHARED_GROUPS = 0x52009229;
	private static final int PER_FRAME_GROUPS = 0x52009230;
	private static final String RLE_LOSSLESS = "1.2.840.10008.1.2.5";

	/** Transfer syntax names (PS3.6 Table A-1); the uncompressed ones and RLE Lossless are decoded here. */
	private static final Map<String, String> SYNTAXES = new HashMap<>();
	static {
		String[] t = {
				"1.2.840.10008.1.2", "Implicit VR Little Endian",
				"1.2.840.10008.1.2.1", "Explicit VR Little Endian",
				"1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian",
				"1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian",
				"1.2.840.10008.1.2.2", "Explicit VR Big Endian",
				"1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)",
				"1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 and 4)",
				"1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 and 5)",
				"1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 and 8)",
				"1.2.840.10008.1.2.4.54", "JPEG Spectral Selection, Non-Hierarchical (Process 7 and 9)",
				"1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 and 12)",
				"1.2.840.10008.1.2.4.56", "JPEG Full Progression, Non-Hierarchical (Process 11 and 13)",
				"1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)",
				"1.2.840.10008.1.2.4.58", "JPEG Lossless, Non-Hierarchical (Process 15)",
				"1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])",
				"1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression",
				"1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression",
				"1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)",
				"1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression",
				"1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)",
				"1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression",
				"1.2.840.10008.1.2.4.94", "JPIP Referenced",
				"1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate",
				"1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level",
				"1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level",
				"1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1",
				"1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1",
				"1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video",
				"1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video",
				"1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2",
				"1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1",
				"1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1",
				"1.2.840.10008.1.2.4.110", "JPEG XL Lossless",
				"1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression",
				"1.2.840.10008.1.2.4.112", "JPEG XL",
				"1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)",
				"1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)",
				"1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression",
				"1.2.840.10008.1.2.5", "RLE Lossless"};
		for (int i = 0; i < t.length; i += 2) SYNTAXES.put(t[i], t[i + 1]);
	}

	private final boolean bioFormatsFollows;

	public DicomReader() {
		this(false);
	}

	/**
	 * @param bioFormatsFollows Bio-Formats comes after this reader, so a compressed file is only
	 *        passed on to it, not a dead end
	 */
	public DicomReader(boolean bioFormatsFollows) {
		this.bioFormatsFollows = bioFormatsFollows;
	}

	@Override
	public String name() {
		return "DICOM";
	}

	/** Files named .dcm / .dicom, files with the DICM prefix, and bare data sets (no preamble, no meta). */
	@Override
	public boolean claims(Path file) {
		String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (name.endsWith(".dcm") || name.endsWith(".dicom")) return true;
		try (InputStream in = Files.newInputStream(file)) {
			byte[] head = in.readNBytes(4096);
			return DicomDataset.looksLikeDicom(head, Files.size(file));
		} catch (IOException | RuntimeException e) {
			return false;
		}
	}

	/** The name of a transfer syntax UID (PS3.6), or the UID itself when unknown. */
	static String syntaxName(String uid) {
		return SYNTAXES.getOrDefault(uid, uid);
	}

	@Override
	public ImageData read(Path file, ReadOptions options) throws ImageReadException {
		byte[] bytes;
		try {
			if (Files.size(file) > Integer.MAX_VALUE - 64) throw new ImageReadException(file, "DICOM file larger than 2 GB");
			bytes = Files.readAllBytes(file);
		} catch (IOException e) {
			if (e instanceof ImageReadException ire) throw ire;
			throw new ImageReadException(file, "cannot read file (" + e.getMessage() + ")", e);
		}
		if (bytes.length == 0) throw new ImageReadException(file, "empty file (0 bytes)");
		DicomDataset ds;
		try {
			ds = DicomDataset.parse(bytes, false);
		} catch (DicomDataset.ParseException e) {
			throw new ImageReadException(file, (e.truncated ? "truncated DICOM file: " : "not a readable DICOM file: ") + e.getMessage(), e);
		}
		try {
			ImageData stored = decode(file, ds);
			return options.slices().anatomical() ? DicomVolume.cut(file, ds, stored, options.slices().plane()) : stored;
		} catch (ArithmeticException | IndexOutOfBoundsException | NegativeArraySizeException | OutOfMemoryError e) {
			throw new ImageReadException(file, "inconsistent DICOM image attributes (" + e + ")", e);
		}
	}

	private static String encodingName(DicomDataset ds) {
		if (ds.transferSyntax != null) return syntaxName(ds.transferSyntax);
		return ds.explicitVr ? ds.littleEndian ? "Explicit VR Little Endian" : "Explicit VR Big Endian" : "Implicit VR Little Endian";
	}

	private ImageData decode(Path file, DicomDataset ds) throws ImageReadException {
		String ts = ds.transferSyntax;
		DicomDataset.Element pixels = ds.get(DicomDataset.PIXEL_DATA);
		String modality = ds.string(MODALITY);
		String what = modality == null || modality.isEmpty() ? "DICOM" : "DICOM " + modality;
		if (pixels == null) {
			if (ds.has(DicomDataset.FLOAT_PIXEL_DATA) || ds.has(DicomDataset.DOUBLE_PIXEL_DATA)) {
				throw new ImageReadException(file, "DICOM float pixel data (7FE0,0008/0009) is not supported; open it in Fiji (Bio-Formats)");
			}
			if ("1.2.840.10008.1.2.4.94".equals(ts) || "1.2.840.10008.1.2.4.95".equals(ts)) {
				throw new ImageReadException(file, "DICOM with JPIP referenced pixel data (" + syntaxName(ts) + ", " + ts + "): the pixels are on a server, not in the file");
			}
			throw new ImageReadException(file, "no pixel data: a " + what + " object, not an image" + (ds.has(ROWS) ? "" : " (no Rows/Columns either)"));
		}
		boolean known = ts == null || SYNTAXES.containsKey(ts);
		boolean native_ = ts == null || ts.equals(DicomDataset.IMPLICIT_LE) || ts.equals(DicomDataset.EXPLICIT_LE)
				|| ts.equals(DicomDataset.EXPLICIT_BE) || ts.equals(DicomDataset.DEFLATED_LE);
		boolean rle = RLE_LOSSLESS.equals(ts);
		if (rle && !pixels.undefinedLength()) {
			throw new ImageReadException(file, "malformed RLE Lossless DICOM: Pixel Data (7FE0,0010) has a defined length ("
					+ pixels.length() + " bytes) instead of encapsulated fragments (PS3.5 A.4)");
		}
		if (!rle && (pixels.undefinedLength() || (known && !native_))) {
			String name = ts == null ? "encapsulated pixel data without a transfer syntax" : known ? syntaxName(ts) : "unknown transfer syntax";
			if (bioFormatsFollows) throw new ImageReadException(file, "compressed DICOM (" + name + ", " + ts + "), left to Bio-Formats");
			throw new ImageReadException(file, "compressed DICOM (" + name + ", " + ts + ") cannot be decoded without Bio-Formats; "
					+ "open it in Fiji (Bio-Formats) or convert it to an uncompressed transfer syntax (e.g. gdcmconv --raw, dcmdjpeg)");
		}

		int rows = ds.integer(ROWS, -1);
		int cols = ds.integer(COLUMNS, -1);
		int spp = ds.integer(SAMPLES_PER_PIXEL, 1);
		int ba = ds.integer(BITS_ALLOCATED, -1);
		int bs = ds.integer(BITS_STORED, ba);
		int hb = ds.integer(HIGH_BIT, bs - 1);
		boolean signed = ds.integer(PIXEL_REPRESENTATION, 0) == 1;
		int planar = ds.integer(PLANAR_CONFIGURATION, 0);
		int frames = Math.max(1, ds.integer(NUMBER_OF_FRAMES, 1));
		String pi = ds.string(PHOTOMETRIC);
		if (pi == null || pi.isEmpty()) pi = spp == 3 ? "RGB" : "MONOCHROME2";
		pi = pi.toUpperCase(Locale.ROOT);
		if (rows <= 0 || cols <= 0) throw new ImageReadException(file, "DICOM image without valid Rows/Columns (" + rows + " x " + cols + ")");
		if (ba != 1 && ba != 8 && ba != 16 && ba != 32) {
			throw new ImageReadException(file, "DICOM with " + ba + " bits allocated is not supported (1, 8, 16 and 32 are)");
		}
		if (bs < 1 || bs > ba || hb < bs - 1 || hb >= ba) {
			throw new ImageReadException(file, "inconsistent DICOM bit layout: BitsAllocated " + ba + ", BitsStored " + bs + ", HighBit " + hb);
		}
		boolean ybr422 = pi.equals("YBR_FULL_422");
		boolean colour = spp == 3;
		if (colour && !(pi.equals("RGB") || pi.equals("YBR_FULL") || ybr422)) {
			throw new ImageReadException(file, "DICOM photometric interpretation " + pi + " is not supported without compression; open it in Fiji (Bio-Formats)");
		}
		if (!colour && spp != 1) throw new ImageReadException(file, "DICOM with " + spp + " samples per pixel is not supported (1 or 3 are)");
		if (!colour && !(pi.equals("MONOCHROME1") || pi.equals("MONOCHROME2") || pi.equals("PALETTE COLOR"))) {
			throw new ImageReadException(file, "DICOM photometric interpretation " + pi + " with one sample per pixel is not supported");
		}
		if ((pi.startsWith("YBR") || ba == 1) && colour && ba != 8) {
			throw new ImageReadException(file, "DICOM " + pi + " with " + ba + " bits allocated is not supported");
		}
		if (rle && (ba == 1 || ybr422)) {
			throw new ImageReadException(file, "RLE Lossless DICOM with " + (ba == 1 ? "1 bit allocated" : pi) + " is not supported; open it in Fiji (Bio-Formats)");
		}

		long pixelsPerFrame = (long) rows * cols;
		long samplesPerFrame = ybr422 ? pixelsPerFrame * 2 : pixelsPerFrame * spp;
		long needed = (samplesPerFrame * frames * ba + 7) / 8;
		if (!rle && (pixels.length() < needed || ds.pixelDataAvailable < needed)) {
			String layout = cols + "x" + rows + (spp == 3 ? "x3" : "") + ", " + frames + (frames == 1 ? " frame" : " frames") + " of " + ba + "-bit";
			if (ds.pixelDataAvailable < pixels.length()) {
				throw ImageReadException.damaged(file, "truncated DICOM file: Pixel Data (7FE0,0010) declares " + pixels.length()
						+ " bytes but the file ends after " + ds.pixelDataAvailable + " (" + layout + " needs " + needed + ")");
			}
			throw new ImageReadException(file, "DICOM Pixel Data too short: " + pixels.length() + " bytes, " + layout + " needs " + needed);
		}
		if (needed > Integer.MAX_VALUE || pixelsPerFrame * (colour || pi.equals("PALETTE COLOR") ? 3 : 1) > Integer.MAX_VALUE - 8) {
			throw new ImageReadException(file, "DICOM image too large to read whole (" + cols + " x " + rows + " x " + frames + ")");
		}
		byte[] b = pixels.buffer();
		int off = pixels.offset();
		boolean little = pixels.little();
		if (rle) {
			b = decodeRle(file, ds, pixels, frames, (int) pixelsPerFrame, spp, ba / 8);
			off = 0;
			little = true;
			planar = 1; // one segment per sample: the decoded samples come plane by plane (PS3.5 8.2.2, G.2)
		} else if (!little && ba == 8 && "OW".equals(pixels.vr())) {
			// 8-bit samples in OW are byte-swapped within each word in big endian (PS3.5 7.3)
			b = swapPairs(b, off, (int) needed);
			off = 0;
		}
		Samples s = new Samples(b, off, little, ba, bs, hb, signed);

		int n = (int) pixelsPerFrame;
		List<ImagePlane> planes = new ArrayList<>(frames);
		String depth;
		int bitDepth;
		if (colour) {
			for (int f = 0; f < frames; f++) planes.add(colourPlane(s, (long) f * samplesPerFrame, rows, cols, n, planar, pi));
			bitDepth = ba == 8 ? 24 : 3 * ba;
			depth = pi.equals("RGB") ? "RGB " + ba + "-bit" : pi + " " + ba + "-bit as RGB";
		} else if (pi.equals("PALETTE COLOR")) {
			if (ds.has(SEGMENTED_RED_PALETTE) && !ds.has(PALETTE_DATA[0])) {
				throw new ImageReadException(file, "DICOM with a segmented palette colour LUT is not supported; open it in Fiji (Bio-Formats)");
			}
			int[][] lut = new int[3][];
			int first = 0;
			boolean sixteen = false;
			for (int c = 0; c < 3; c++) {
				double[] d = ds.numbers(PALETTE_DESCRIPTOR[c]);
				DicomDataset.Element data = ds.get(PALETTE_DATA[c]);
				if (d == null || d.length < 3 || data == null) {
					throw new ImageReadException(file, "PALETTE COLOR DICOM without a complete palette colour lookup table");
				}
				int entries = d[0] == 0 ? 65536 : (int) d[0];
				first = firstMapped(d[1], signed || "SS".equals(ds.get(PALETTE_DESCRIPTOR[c]).vr()));
				sixteen = d[2] == 16;
				lut[c] = lutEntries(data, entries);
				if (lut[c] == null) throw new ImageReadException(file, "palette colour LUT data do not match the descriptor (" + entries + " entries)");
			}
			for (int f = 0; f < frames; f++) planes.add(palettePlane(s, (long) f * samplesPerFrame, rows, cols, n, lut, first, sixteen));
			bitDepth = 24;
			depth = "PALETTE COLOR " + ba + "-bit as RGB";
		} else {
			Modality[] m = modality(file, ds, frames, bs, signed);
			boolean invert = pi.equals("MONOCHROME1");
			for (int f = 0; f < frames; f++) planes.add(greyPlane(s, (long) f * samplesPerFrame, rows, cols, n, m[f], invert, ba == 1 ? 8 : ba));
			bitDepth = ba == 1 ? 8 : ba;
			depth = ba + "-bit " + (signed ? "signed" : "unsigned") + (bs < ba ? " (" + bs + " bits stored)" : "") + (invert ? ", MONOCHROME1 inverted" : "");
		}
		String format = what + ", " + depth + ", " + encodingName(ds) + (frames > 1 ? ", " + frames + " frames" : "");
		return new ImageData(format, cols, rows, frames, bitDepth, planes);
	}

	/**
	 * The frames of RLE Lossless Pixel Data decoded to native little endian samples, frame after
	 * frame, each frame's sample planes one after the other.
	 */
	private static byte[] decodeRle(Path file, DicomDataset ds, DicomDataset.Element pixels, int frames, int pixelsPerFrame, int samples, int bytes)
			throws ImageReadException {
		DicomDataset.Encapsulated enc;
		int[][] ranges;
		try {
			enc = DicomDataset.encapsulated(pixels, ds.pixelDataAvailable);
			ranges = enc.frameFragments(frames);
		} catch (DicomDataset.ParseException e) {
			throw new ImageReadException(file, (e.truncated ? "truncated DICOM file: " : "malformed RLE Lossless DICOM: ") + e.getMessage(), e);
		}
		int frameBytes = pixelsPerFrame * samples * bytes;
		byte[] out = new byte[Math.multiplyExact(frameBytes, frames)];
		for (int f = 0; f < frames; f++) {
			DicomDataset.Span span = enc.join(ranges[f][0], ranges[f][1]);
			try {
				RleLossless.decodeFrame(span.buffer(), span.offset(), span.length(), pixelsPerFrame, samples, bytes, out, f * frameBytes);
			} catch (RleLossless.MalformedException e) {
				throw new ImageReadException(file, "malformed RLE Lossless DICOM" + (frames > 1 ? " (frame " + (f + 1) + " of " + frames + ")" : "")
						+ ": " + e.getMessage(), e);
			}
		}
		return out;
	}

	private static byte[] swapPairs(byte[] b, int off, int n) {
		byte[] out = new byte[n + (n & 1)];
		for (int i = 0; i + 1 < out.length && off + i + 1 < b.length; i += 2) {
			out[i] = b[off + i + 1];
			out[i + 1] = b[off + i];
		}
		return out;
	}

	/** The first stored value a LUT maps (PS3.3 C.11.1.1.1: US, or SS for signed pixels). */
	private static int firstMapped(double v, boolean signed) {
		int i = (int) v;
		return signed && i > 32767 ? i - 65536 : i;
	}

	/** LUT entries: 16-bit words (OW / US data) or bytes when there is one byte per entry. */
	private static int[] lutEntries(DicomDataset.Element data, int entries) {
		long len = data.length();
		int[] lut = new int[entries];
		if (len >= 2L * entries) {
			for (int i = 0; i < entries; i++) lut[i] = DicomDataset.u16(data.buffer(), data.offset() + 2 * i, data.little());
		} else if (len == entries || len == entries + 1) {
			for (int i = 0; i < entries; i++) lut[i] = data.buffer()[data.offset() + i] & 0xff;
		} else {
			return null;
		}
		return lut;
	}

	// ------------------------------------------------------------------------------ modality LUT

	/** The modality transformation of one frame: a LUT, or a linear rescale; lo/hi over the stored range. */
	private record Modality(double slope, double intercept, int[] lut, int first, double lo, double hi) {
		double apply(long v) {
			if (lut == null) return v * slope + intercept;
			long i = v - first;
			return lut[i < 0 ? 0 : i >= lut.length ? lut.length - 1 : (int) i];
		}
	}

	private static Modality[] modality(Path file, DicomDataset ds, int frames, int bs, boolean signed) throws ImageReadException {
		double minStored = signed ? -Math.pow(2, bs - 1) : 0;
		double maxStored = signed ? Math.pow(2, bs - 1) - 1 : Math.pow(2, bs) - 1;
		Modality[] m = new Modality[frames];
		List<DicomDataset> perFrame = ds.items(PER_FRAME_GROUPS);
		List<DicomDataset> shared = ds.items(SHARED_GROUPS);
		Modality base = null;
		List<DicomDataset> mlut = ds.items(MODALITY_LUT_SEQUENCE);
		if (!mlut.isEmpty()) {
			DicomDataset item = mlut.get(0);
			double[] d = item.numbers(LUT_DESCRIPTOR);
			DicomDataset.Element data = item.get(LUT_DATA);
			if (d != null && d.length >= 3 && data != null) {
				int entries = d[0] == 0 ? 65536 : (int) d[0];
				int[] lut = lutEntries(data, entries);
				if (lut == null) throw new ImageReadException(file, "Modality LUT data do not match the descriptor (" + entries + " entries)");
				int lo = Integer.MAX_VALUE;
				int hi = Integer.MIN_VALUE;
				for (int v : lut) {
					lo = Math.min(lo, v);
					hi = Math.max(hi, v);
				}
				base = new Modality(1, 0, lut, firstMapped(d[1], signed || "SS".equals(item.get(LUT_DESCRIPTOR).vr())), lo, hi);
			}
		}
		if (base == null) base = linear(ds.number(RESCALE_SLOPE, 1), ds.number(RESCALE_INTERCEPT, 0), minStored, maxStored);
		Modality sharedM = rescaleIn(shared.isEmpty() ? null : shared.get(0), minStored, maxStored);
		for (int f = 0; f < frames; f++) {
			Modality own = rescaleIn(f < perFrame.size() ? perFrame.get(f) : null, minStored, maxStored);
			m[f] = own != null ? own : sharedM != null ? sharedM : base;
		}
		return m;
	}

	private static Modality rescaleIn(DicomDataset groups, double minStored, double maxStored) {
		if (groups == null) return null;
		List<DicomDataset> pvt = groups.items(PIXEL_VALUE_TRANSFORMATION);
		if (pvt.isEmpty()) return null;
		DicomDataset p = pvt.get(0);
		if (!p.has(RESCALE_SLOPE) && !p.has(RESCALE_INTERCEPT)) return null;
		return linear(p.number(RESCALE_SLOPE, 1), p.number(RESCALE_INTERCEPT, 0), minStored, maxStored);
	}

	private static Modality linear(double slope, double intercept, double minStored, double maxStored) {
		if (!Double.isFinite(slope) || slope == 0) slope = 1;
		if (!Double.isFinite(intercept)) intercept = 0;
		double a = minStored * slope + intercept;
		double b = maxStored * slope + intercept;
		return new Modality(slope, intercept, null, 0, Math.min(a, b), Math.max(a, b));
	}

	// ------------------------------------------------------------------------------ pixels

	/** Stored values of native pixel data. */
	private static final class Samples {
		final byte[] b;
		final int off;
		final boolean little;
		final int ba;
		final int shift;
		final long mask;
		final int bs;
		final boolean signed;
		final boolean plain;

		Samples(byte[] b, int off, boolean little, int ba, int bs, int hb, boolean signed) {
			this.b = b;
			this.off = off;
			this.little = little;
			this.ba = ba;
			this.bs = bs;
			this.signed = signed;
			this.shift = hb + 1 - bs;
			this.mask = bs >= 64 ? -1L : (1L << bs) - 1;
			this.plain = bs == ba && shift == 0;
		}

		/** Sample {@code i} (0-based over the whole pixel data). */
		long get(long i) {
			long raw;
			switch (ba) {
				case 8 -> raw = b[off + (int) i] & 0xff;
				case 16 -> {
					int p = off + (int) (2 * i);
					raw = little ? (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 : (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
				}
				case 32 -> raw = DicomDataset.u32(b, off + (int) (4 * i), little);
				default -> raw = (b[off + (int) (i >>> 3)] >> (int) (i & 7)) & 1; // 1-bit, least significant bit first
			}
			long v = plain ? raw : (raw >>> shift) & mask;
			if (signed && (v & (1L << (bs - 1))) != 0) v -= 1L << bs;
			return v;
		}
	}

	private static ImagePlane greyPlane(Samples s, long start, int rows, int cols, int n, Modality m, boolean invert, int bitDepth) {
		float[] px = new float[n];
		double flip = m.lo + m.hi;
		if (m.lut == null && s.ba == 16 && s.plain) {
			// the common case, without per-sample dispatch
			byte[] b = s.b;
			int p = s.off + (int) (2 * start);
			boolean little = s.little;
			boolean signed = s.signed;
			double slope = m.slope;
			double intercept = m.intercept;
			for (int i = 0; i < n; i++, p += 2) {
				int v = little ? (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 : (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
				if (signed) v = (short) v;
				double x = v * slope + intercept;
				px[i] = (float) (invert ? flip - x : x);
			}
		} else {
			for (int i = 0; i < n; i++) {
				double x = m.apply(s.get(start + i));
				px[i] = (float) (invert ? flip - x : x);
			}
		}
		return new ImagePlane(cols, rows, 1, px, bitDepth);
	}

	private static ImagePlane colourPlane(Samples s, long start, int rows, int cols, int n, int planar, String pi) {
		float[] px = new float[3 * n];
		boolean ybr = pi.startsWith("YBR");
		for (int i = 0; i < n; i++) {
			long c0;
			long c1;
			long c2;
			if (pi.equals("YBR_FULL_422")) {
				// Y1 Y2 Cb Cr for each pair of pixels (PS3.3 C.7.6.3.1.2)
				long g = start + (long) (i >> 1) * 4;
				c0 = s.get(g + (i & 1));
				c1 = s.get(g + 2);
				c2 = s.get(g + 3);
			} else if (planar == 1) {
				c0 = s.get(start + i);
				c1 = s.get(start + n + i);
				c2 = s.get(start + 2L * n + i);
			} else {
				long p = start + 3L * i;
				c0 = s.get(p);
				c1 = s.get(p + 1);
				c2 = s.get(p + 2);
			}
			if (ybr) {
				double cb = c1 - 128.0;
				double cr = c2 - 128.0;
				px[i] = clip8(c0 + 1.402 * cr);
				px[n + i] = clip8(c0 - 0.114 * 1.772 / 0.587 * cb - 0.299 * 1.402 / 0.587 * cr);
				px[2 * n + i] = clip8(c0 + 1.772 * cb);
			} else {
				px[i] = c0;
				px[n + i] = c1;
				px[2 * n + i] = c2;
			}
		}
		return new ImagePlane(cols, rows, 3, px, s.ba == 8 ? 24 : 3 * s.ba);
	}

	private static float clip8(double v) {
		return (float) Math.max(0, Math.min(255, Math.floor(v + 0.5)));
	}

	private static ImagePlane palettePlane(Samples s, long start, int rows, int cols, int n, int[][] lut, int first, boolean sixteen) {
		float[] px = new float[3 * n];
		for (int i = 0; i < n; i++) {
			long v = s.get(start + i);
			for (int c = 0; c < 3; c++) {
				int[] l = lut[c];
				long k = v - first;
				int e = l[k < 0 ? 0 : k >= l.length ? l.length - 1 : (int) k];
				px[c * n + i] = sixteen ? e >> 8 : Math.min(255, e);
			}
		}
		return new ImagePlane(cols, rows, 3, px, 24);
	}

	// ------------------------------------------------------------------------------ series

	/**
	 * The files of one series in slice order: by InstanceNumber; files without one, or with equal
	 * ones, by ImagePositionPatient projected on the slice normal (the cross product of the
	 * ImageOrientationPatient row and column directions, the same normal for all files: that of the
	 * first file by name that has one); then by file name, numbers in names compared as numbers.
	 * Files without a key come after those with one, at each step; unreadable files sort by name.
	 */
	public static List<Path> sortSeries(List<Path> files) {
		List<SliceKey> keys = new ArrayList<>(files.size());
		for (Path f : files) keys.add(SliceKey.of(f));
		keys.sort(Comparator.comparing(k -> k.file.getFileName() == null ? "" : k.file.getFileName().toString(), DicomReader::naturalCompare));
		double[] normal = null;
		for (SliceKey k : keys) {
			if (k.orientation != null) {
				normal = sliceNormal(k.orientation);
				if (normal != null) break;
			}
		}
		for (SliceKey k : keys) {
			if (normal != null && k.position != null) {
				k.along = k.position[0] * normal[0] + k.position[1] * normal[1] + k.position[2] * normal[2];
			}
		}
		Comparator<Double> missingLast = Comparator.nullsLast(Comparator.naturalOrder());
		Comparator<SliceKey> order = Comparator.<SliceKey, Double>comparing(k -> k.instance == null ? null : k.instance.doubleValue(), missingLast)
				.thenComparing(k -> k.along, missingLast); // then the name order of the stable sort above
		keys.sort(order);
		List<Path> out = new ArrayList<>(keys.size());
		for (SliceKey k : keys) out.add(k.file);
		return out;
	}

	/** The unit normal of slices with this ImageOrientationPatient (row x column direction); null when degenerate. */
	static double[] sliceNormal(double[] o) {
		if (o.length < 6) return null;
		double[] n = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
		double len = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
		if (!(len > 1e-6)) return null;
		for (int i = 0; i < 3; i++) n[i] /= len;
		return n;
	}

	/** Compares names with runs of digits compared as numbers ("9" before "10"), then as text. */
	static int naturalCompare(String a, String b) {
		int i = 0;
		int j = 0;
		while (i < a.length() && j < b.length()) {
			char ca = a.charAt(i);
			char cb = b.charAt(j);
			if (Character.isDigit(ca) && Character.isDigit(cb)) {
				int si = i;
				int sj = j;
				while (i < a.length() && Character.isDigit(a.charAt(i))) i++;
				while (j < b.length() && Character.isDigit(b.charAt(j))) j++;
				String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
				String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
				int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
				if (c != 0) return c;
			} else {
				if (ca != cb) return Character.compare(ca, cb);
				i++;
				j++;
			}
		}
		int c = Integer.compare(a.length() - i, b.length() - j);
		return c != 0 ? c : a.compareTo(b);
	}

	private static final class SliceKey {
		final Path file;
		Integer instance;
		double[] position;
		double[] orientation;
		Double along;

		SliceKey(Path file) {
			this.file = file;
		}

		static SliceKey of(Path file) {
			SliceKey k = new SliceKey(file);
			DicomDataset ds = header(file);
			if (ds == null) return k;
			double[] in = ds.numbers(INSTANCE_NUMBER);
			if (in != null && in.length > 0) k.instance = (int) Math.round(in[0]);
			double[] p = ds.numbers(IMAGE_POSITION);
			if (p != null && p.length >= 3) k.position = p;
			double[] o = ds.numbers(IMAGE_ORIENTATION);
			if (o != null && o.length >= 6) k.orientation = o;
			return k;
		}
	}

	/** The data set before the pixel data, reading only the start of the file when that suffices. */
	private static DicomDataset header(Path file) {
		try {
			long size = Files.size(file);
			byte[] head;
			try (InputStream in = Files.newInputStream(file)) {
				head = in.readNBytes((int) Math.min(size, 256 * 1024));
			}
			if (head.length < size) {
				try {
					DicomDataset ds = DicomDataset.parse(head, true);
					if (!ds.incomplete || ds.has(INSTANCE_NUMBER) && ds.has(IMAGE_POSITION) && ds.has(IMAGE_ORIENTATION)) return ds;
				} catch (DicomDataset.ParseException e) {
					if (!e.truncated) return null; // e.g. a deflated data set cut short: read it all
				}
				if (size > Integer.MAX_VALUE - 64) return null;
				head = Files.readAllBytes(file);
			}
			return DicomDataset.parse(head, true);
		} catch (IOException | DicomDataset.ParseException | RuntimeException e) {
			return null;
		}
	}
}
