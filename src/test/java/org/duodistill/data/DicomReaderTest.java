package org.duodistill.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.ImagePlus;
import ij.io.Opener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * DicomReader against what pydicom reads from the same files (src/test/resources/data/dicom/expected.json,
 * written by scripts/make_dicom_expectations.py), its errors, sortSeries, and ImageJ 1's own DICOM reader.
 */
class DicomReaderTest {
	static final Path DIR = Path.of("src/test/resources/data/dicom");
	static final DicomReader READER = new DicomReader();
	static JsonObject expected;

	@TempDir
	Path tmp;

	@BeforeAll
	static void load() throws IOException {
		expected = JsonParser.parseString(Files.readString(DIR.resolve("expected.json"))).getAsJsonObject();
	}

	static List<JsonObject> files() {
		List<JsonObject> l = new ArrayList<>();
		for (JsonElement e : expected.getAsJsonArray("files")) l.add(e.getAsJsonObject());
		return l;
	}

	// ------------------------------------------------------------------ values from pydicom

	@TestFactory
	Stream<DynamicTest> everyFileAsPydicomReadsIt() {
		return files().stream().map(e -> DynamicTest.dynamicTest(e.get("file").getAsString(), () -> check(e)));
	}

	private static void check(JsonObject e) throws Exception {
		Path file = DIR.resolve(e.get("file").getAsString());
		assertEquals(e.get("sha1").getAsString(), sha1(file), "file changed since expected.json was written: rerun the script");
		assertTrue(READER.claims(file), "claims " + file);
		String ts = e.get("transfer_syntax").getAsString();
		String tsName = e.get("transfer_syntax_name").getAsString();
		if (e.has("expect_error")) {
			ImageReadException x = assertThrows(ImageReadException.class, () -> READER.read(file, ReadOptions.DEFAULT));
			String reason = x.reason();
			switch (e.get("expect_error").getAsString()) {
				case "compressed" -> {
					assertTrue(reason.startsWith("compressed DICOM (" + tsName + ", " + ts + ") cannot be decoded without Bio-Formats"), reason);
					assertTrue(reason.contains("Fiji (Bio-Formats)"), reason);
				}
				case "truncated" -> {
					assertTrue(reason.startsWith("truncated DICOM file: Pixel Data (7FE0,0010) declares"), reason);
				}
				default -> fail("unknown expectation " + e.get("expect_error"));
			}
			return;
		}
		ImageData d = READER.read(file, ReadOptions.DEFAULT);
		int rows = e.get("rows").getAsInt();
		int cols = e.get("columns").getAsInt();
		int frames = e.get("frames").getAsInt();
		int channels = e.get("channels").getAsInt();
		int ba = e.get("bits_allocated").getAsInt();
		assertEquals(cols, d.width());
		assertEquals(rows, d.height());
		assertEquals(frames, d.depth());
		assertEquals(frames, d.planes().size());
		assertEquals(channels == 3 ? (ba == 8 || e.get("photometric").getAsString().equals("PALETTE COLOR") ? 24 : 3 * ba) : Math.max(8, ba), d.bitDepth());
		String modality = e.has("modality") && !e.get("modality").isJsonNull() ? e.get("modality").getAsString() : null;
		assertTrue(d.format().startsWith(modality == null ? "DICOM, " : "DICOM " + modality + ", "), d.format());
		assertTrue(d.format().contains(", " + tsName), d.format());
		if (frames > 1) assertTrue(d.format().endsWith(", " + frames + " frames"), d.format());
		JsonArray stats = e.getAsJsonArray("frame_stats");
		for (int f = 0; f < frames; f++) {
			ImagePlane p = d.planes().get(f);
			assertEquals(cols, p.width());
			assertEquals(rows, p.height());
			assertEquals(channels, p.channels());
			JsonObject s = stats.get(f).getAsJsonObject();
			double min = Double.POSITIVE_INFINITY;
			double max = Double.NEGATIVE_INFINITY;
			double sum = 0;
			for (float v : p.pixels()) {
				min = Math.min(min, v);
				max = Math.max(max, v);
				sum += v;
			}
			String where = "frame " + f + " of " + file.getFileName();
			assertEquals(s.get("min").getAsDouble(), min, tol(s.get("min").getAsDouble()), "min, " + where);
			assertEquals(s.get("max").getAsDouble(), max, tol(s.get("max").getAsDouble()), "max, " + where);
			double mean = sum / p.pixels().length;
			assertEquals(s.get("mean").getAsDouble(), mean, 1e-6 * Math.max(1, Math.abs(mean)), "mean, " + where);
			assertEquals(s.get("sum").getAsDouble(), sum, 1e-7 * Math.max(1, Math.abs(sum)), "sum, " + where);
			// every value: the script computes in float64 and rounds to float32 once, as DicomReader does (YBR: pydicom's
			// float32 conversion, which the script checks agrees with float64 in every sample of these files)
			assertEquals(s.get("float32_sha1").getAsString(), floatSha1(p.pixels()), "every value (SHA-1 of the float32 values), " + where);
			if (s.has("channel_means")) {
				int n = rows * cols;
				for (int c = 0; c < 3; c++) {
					double cs = 0;
					for (int i = 0; i < n; i++) cs += p.pixels()[c * n + i];
					assertEquals(s.getAsJsonArray("channel_means").get(c).getAsDouble(), cs / n, 1e-6 * Math.max(1, cs / n),
							"channel " + c + " mean, " + where);
				}
			}
		}
		for (JsonElement px : e.getAsJsonArray("pixels")) {
			JsonArray a = px.getAsJsonArray();
			int f = a.get(0).getAsInt();
			int r = a.get(1).getAsInt();
			int c = a.get(2).getAsInt();
			int ch = channels == 3 ? a.get(3).getAsInt() : 0;
			double want = a.get(a.size() - 1).getAsDouble();
			float got = d.planes().get(f).pixels()[ch * rows * cols + r * cols + c];
			assertEquals(want, got, tol(want), "pixel " + a + " of " + file.getFileName());
		}
	}

	static String floatSha1(float[] v) throws NoSuchAlgorithmException {
		ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
		for (float x : v) b.putFloat(x);
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b.array()));
	}

	private static double tol(double v) {
		return 1e-6 * Math.max(1, Math.abs(v));
	}

	static String sha1(Path file) throws IOException, NoSuchAlgorithmException {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(file)));
	}

	@Test
	void formatNamesModalityDepthAndEncoding() throws Exception {
		assertEquals("DICOM MR, 16-bit signed, Explicit VR Big Endian", read("MR_small_expb.dcm").format());
		assertEquals("DICOM CT, 16-bit signed, Explicit VR Little Endian", read("CT_small.dcm").format());
		assertEquals("DICOM RTDOSE, 32-bit unsigned, Implicit VR Little Endian, 15 frames", read("rtdose.dcm").format());
		assertEquals("DICOM MR, 16-bit unsigned (12 bits stored), MONOCHROME1 inverted, Explicit VR Little Endian",
				read("generated/MR_small_monochrome1.dcm").format());
		assertEquals("DICOM OT, RGB 8-bit, Explicit VR Big Endian", read("generated/rgb_planar1_bigendian.dcm").format());
		assertEquals("DICOM OT, YBR_FULL_422 8-bit as RGB, Explicit VR Little Endian", read("SC_ybr_full_422_uncompressed.dcm").format());
		assertEquals("DICOM MR, PALETTE COLOR 8-bit as RGB, Explicit VR Little Endian", read("generated/palette_color.dcm").format());
		assertEquals("DICOM MR, 16-bit signed, Deflated Explicit VR Little Endian", read("generated/MR_small_deflate.dcm").format());
		assertEquals("DICOM MR, 16-bit signed, Implicit VR Little Endian", read("generated/MR_small_nometa_implicit").format());
		assertEquals("DICOM MR, 16-bit signed, RLE Lossless", read("MR_small_RLE.dcm").format());
		assertEquals("DICOM OT, RGB 16-bit, RLE Lossless, 2 frames", read("SC_rgb_rle_16bit_2frame.dcm").format());
		assertEquals("DICOM RTDOSE, 32-bit unsigned, RLE Lossless, 15 frames", read("rtdose_rle.dcm").format());
		ImageData rgb = read("SC_rgb_small_odd.dcm");
		assertEquals(24, rgb.bitDepth());
		assertEquals(24, rgb.planes().get(0).bitDepth());
		assertEquals(List.of(1, 2, 3), read("generated/enhanced_3frame_rescale.dcm").sliceNumbers());
	}

	private static ImageData read(String name) throws ImageReadException {
		return READER.read(DIR.resolve(name), ReadOptions.DEFAULT);
	}

	// ------------------------------------------------------------------ claims and errors

	@Test
	void claimsByPrefixExtensionOrContentOnly() throws IOException {
		// no extension, no preamble, no file meta: recognised from the first elements
		for (String n : List.of("MR_small_nometa_implicit", "MR_small_nometa_explicit", "MR_small_nometa_bigendian")) {
			assertTrue(READER.claims(DIR.resolve("generated").resolve(n)), n);
		}
		Path renamed = Files.copy(DIR.resolve("MR_small.dcm"), tmp.resolve("image.bin"));
		assertTrue(READER.claims(renamed), "DICM prefix");
		assertFalse(READER.claims(DIR.resolve("expected.json")));
		Path text = Files.writeString(tmp.resolve("notes.txt"), "0008 looks like a group but is prose, not DICOM\n".repeat(20));
		assertFalse(READER.claims(text));
		Path png = TestImages.rgbPng(tmp.resolve("a.png"), 16, 16);
		assertFalse(READER.claims(png));
		Path tif = TestImages.gray16Tiff(tmp.resolve("a.tif"), 16, 16, (x, y) -> x * 100 + y);
		assertFalse(READER.claims(tif));
	}

	@Test
	void brokenFilesSayWhatIsWrong() throws IOException {
		byte[] mr = Files.readAllBytes(DIR.resolve("MR_small.dcm"));
		Path cutHeader = Files.write(tmp.resolve("cut_header.dcm"), Arrays.copyOf(mr, 700));
		String r = assertThrows(ImageReadException.class, () -> READER.read(cutHeader, ReadOptions.DEFAULT)).reason();
		assertTrue(r.startsWith("truncated DICOM file: the file ends inside"), r);

		// cut exactly before the Pixel Data element: a complete data set without pixels
		int pixelTag = indexOf(mr, new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00});
		Path noPixels = Files.write(tmp.resolve("no_pixels.dcm"), Arrays.copyOf(mr, pixelTag));
		r = assertThrows(ImageReadException.class, () -> READER.read(noPixels, ReadOptions.DEFAULT)).reason();
		assertEquals("no pixel data: a DICOM MR object, not an image", r);

		Path text = Files.writeString(tmp.resolve("text.dcm"), "not a DICOM file at all, just a text named .dcm\n");
		r = assertThrows(ImageReadException.class, () -> READER.read(text, ReadOptions.DEFAULT)).reason();
		assertTrue(r.startsWith("not a readable DICOM file"), r);

		Path empty = Files.write(tmp.resolve("empty.dcm"), new byte[0]);
		assertEquals("empty file (0 bytes)", assertThrows(ImageReadException.class, () -> READER.read(empty, ReadOptions.DEFAULT)).reason());

		r = assertThrows(ImageReadException.class, () -> READER.read(DIR.resolve("MR_truncated.dcm"), ReadOptions.DEFAULT)).reason();
		assertEquals("truncated DICOM file: Pixel Data (7FE0,0010) declares 8192 bytes but the file ends after 8130 "
				+ "(64x64, 1 frame of 16-bit needs 8192)", r);
	}

	/** Registered ahead of ImageJ, the DICOM reader's reason is the one reported for a compressed file; RLE is read. */
	@Test
	void compressedFileReasonSurvivesTheReaderChain() throws ImageReadException {
		ImageReaders readers = new ImageReaders(List.of(new DicomReader(), new ImageJReader()));
		java.io.PrintStream err = System.err;
		java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
		System.setErr(new java.io.PrintStream(console, true));
		ImageReadException x;
		try {
			x = assertThrows(ImageReadException.class, () -> readers.read(DIR.resolve("MR_small_jpeg_ls_lossless.dcm")));
		} finally {
			System.setErr(err);
		}
		// what every reader said, ImageJ's own words included, and nothing on the console
		assertEquals("DICOM: compressed DICOM (JPEG-LS Lossless Image Compression, 1.2.840.10008.1.2.4.80) cannot be decoded without Bio-Formats; "
				+ "open it in Fiji (Bio-Formats) or convert it to an uncompressed transfer syntax (e.g. gdcmconv --raw, dcmdjpeg); "
				+ "ImageJ: ImageJ cannot open compressed DICOM images. Transfer Syntax UID = 1.2.840.10008.1.2.4.80", x.reason());
		assertEquals("", console.toString(), "ImageJ's message is in the reason, not on stderr");
		assertEquals("DICOM MR, 16-bit signed, RLE Lossless", quietly(() -> readers.readData(DIR.resolve("MR_small_RLE.dcm"), ReadOptions.DEFAULT)).format());
	}

	/** Every compressed transfer syntax but RLE Lossless among the committed files is refused (expected.json). */
	@Test
	void compressedSyntaxesOtherThanRleAreRefused() {
		List<String> refused = new ArrayList<>();
		for (JsonObject e : files()) {
			String ts = e.get("transfer_syntax").getAsString();
			if (ts.equals("1.2.840.10008.1.2.5")) {
				assertFalse(e.has("expect_error"), e.get("file").getAsString());
			} else if (e.has("expect_error") && e.get("expect_error").getAsString().equals("compressed")) {
				refused.add(ts);
			}
		}
		// JPEG Baseline, JPEG Extended, JPEG-LS Lossless, JPEG 2000 (lossless only), JPEG 2000
		assertEquals(List.of("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90",
				"1.2.840.10008.1.2.4.91"), refused.stream().distinct().sorted().toList());
	}

	// ------------------------------------------------------------------ RLE Lossless

	/** RLE files give exactly the values of their uncompressed originals. */
	@Test
	void rleGivesTheUncompressedValues() throws Exception {
		for (String[] pair : new String[][] {{"MR_small.dcm", "MR_small_RLE.dcm"}, {"rtdose.dcm", "rtdose_rle.dcm"}}) {
			ImageData plain = read(pair[0]);
			ImageData rle = read(pair[1]);
			assertEquals(plain.planes().size(), rle.planes().size(), pair[1]);
			for (int f = 0; f < plain.planes().size(); f++) {
				assertArrayEquals(plain.planes().get(f).pixels(), rle.planes().get(f).pixels(), pair[1] + " frame " + f);
			}
		}
		// the 2-frame files repeat the single frame
		for (String name : List.of("SC_rgb_rle", "SC_rgb_rle_16bit", "SC_rgb_rle_32bit")) {
			float[] one = read(name + ".dcm").planes().get(0).pixels();
			ImageData two = read(name + "_2frame.dcm");
			assertArrayEquals(one, two.planes().get(0).pixels(), name);
		}
	}

	/** Where the RLE header of the first fragment of an encapsulated file starts (parsed here, independently). */
	private static int rleHeader(byte[] b) {
		int p = indexOf(b, new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, -1, -1, -1, -1}) + 12;
		assertTrue(p > 12);
		assertEquals(0xE000FFFE, le32(b, p)); // Basic Offset Table item
		p += 8 + le32(b, p + 4);
		assertEquals(0xE000FFFE, le32(b, p)); // first fragment
		return p + 8;
	}

	private static int le32(byte[] b, int p) {
		return ByteBuffer.wrap(b, p, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
	}

	private static void putLe32(byte[] b, int p, int v) {
		ByteBuffer.wrap(b, p, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(v);
	}

	private String rleError(String name, byte[] bytes) throws IOException {
		Path f = Files.write(tmp.resolve(name), bytes);
		return assertThrows(ImageReadException.class, () -> READER.read(f, ReadOptions.DEFAULT)).reason();
	}

	@Test
	void corruptRleSaysWhatIsWrong() throws IOException {
		byte[] mr = Files.readAllBytes(DIR.resolve("MR_small_RLE.dcm"));
		int h = rleHeader(mr);
		int fragment = le32(mr, h - 4);
		assertEquals(2, le32(mr, h));
		assertEquals(64, le32(mr, h + 4));

		byte[] b = mr.clone();
		b[h] = 3; // segment count
		assertEquals("malformed RLE Lossless DICOM: the RLE header declares 3 segments but 1 sample per pixel of 16 bits allocated need 2 "
				+ "(one per sample byte)", rleError("count.dcm", b));

		b = mr.clone();
		putLe32(b, h + 8, fragment + 10); // segment 2 beyond the fragment
		assertEquals("malformed RLE Lossless DICOM: RLE segment 2 offset " + (fragment + 10) + " is out of range (64 .. " + fragment
				+ ", the frame's RLE data being " + fragment + " bytes)", rleError("offset.dcm", b));

		b = mr.clone();
		putLe32(b, h + 8, 32); // segment 2 inside the header
		assertTrue(rleError("offset_header.dcm", b).startsWith("malformed RLE Lossless DICOM: RLE segment 2 offset 32 is out of range"));

		b = mr.clone();
		putLe32(b, h + 8, fragment - 2); // segment 1 takes all but 2 bytes: segment 2 decodes short
		assertEquals("malformed RLE Lossless DICOM: RLE segment 2 of 2 decodes to 0 bytes, 4096 expected (one per pixel): "
				+ "a literal run of 106 bytes at byte 0 is cut off at the segment's end (2 bytes)", rleError("short.dcm", b));

		b = mr.clone();
		putLe32(b, h + 8, 64 + 10); // segment 1 has 10 bytes: it cannot give 4096
		assertEquals("malformed RLE Lossless DICOM: RLE segment 1 of 2 decodes to 0 bytes, 4096 expected (one per pixel): "
				+ "a literal run of 14 bytes at byte 0 is cut off at the segment's end (10 bytes)", rleError("short1.dcm", b));

		String r;

		r = rleError("cut.dcm", Arrays.copyOf(mr, h + fragment / 2));
		assertEquals("truncated DICOM file: the file ends inside fragment 1 of the encapsulated Pixel Data (7FE0,0010) (" + fragment
				+ " bytes declared, " + (fragment / 2) + " present)", r);

		r = rleError("no_delimiter.dcm", Arrays.copyOf(mr, h + fragment));
		assertEquals("truncated DICOM file: the file ends inside the encapsulated Pixel Data (7FE0,0010) before its Sequence Delimitation Item, "
				+ "after 1 fragment", r);
	}

	/** MR_small_RLE with its one fragment replaced by {@code fragment} (and the sequence delimiter after it). */
	private static byte[] withFragment(byte[] mr, byte[] fragment) {
		int item = rleHeader(mr) - 8;
		ByteBuffer b = ByteBuffer.allocate(item + 8 + fragment.length + 8).order(ByteOrder.LITTLE_ENDIAN);
		b.put(mr, 0, item).putInt(0xE000FFFE).putInt(fragment.length).put(fragment).putInt(0xE0DDFFFE).putInt(0);
		return b.array();
	}

	/**
	 * A hand-made RLE frame for 64x64 16-bit pixels: segment 1 (high bytes) a no-op then 32 replicate
	 * runs of 0x01; segment 2 (low bytes) a literal run 5 6 7 8, then {@code lowRuns} replicate runs of 128
	 * bytes and one of 124 of 0x02, and a pad byte.
	 */
	private static byte[] handMadeRle(int lowRuns) {
		ByteBuffer b = ByteBuffer.allocate(64 + 1 + 64 + 5 + 2 * lowRuns + 2 + 1).order(ByteOrder.LITTLE_ENDIAN);
		b.putInt(2).putInt(64).putInt(64 + 1 + 64);
		b.position(64);
		b.put((byte) -128);
		for (int i = 0; i < 32; i++) b.put((byte) -127).put((byte) 1);
		b.put((byte) 3).put((byte) 5).put((byte) 6).put((byte) 7).put((byte) 8);
		for (int i = 0; i < lowRuns; i++) b.put((byte) -127).put((byte) 2);
		b.put((byte) -123).put((byte) 2);
		b.put((byte) 0);
		return b.array();
	}

	@Test
	void handMadeRleDecodesRunByRun() throws IOException {
		byte[] mr = Files.readAllBytes(DIR.resolve("MR_small_RLE.dcm"));
		Path good = Files.write(tmp.resolve("hand.dcm"), withFragment(mr, handMadeRle(31)));
		float[] px = READER.read(good, ReadOptions.DEFAULT).planes().get(0).pixels();
		assertEquals(4096, px.length);
		assertArrayEquals(new float[] {0x105, 0x106, 0x107, 0x108, 0x102}, Arrays.copyOf(px, 5));
		for (int i = 4; i < px.length; i++) assertEquals(0x102, px[i], "pixel " + i);

		// one run short: the decoded segment is shorter than the frame
		assertEquals("malformed RLE Lossless DICOM: RLE segment 2 of 2 decodes to 3968 bytes, 4096 expected (one per pixel)",
				rleError("hand_short.dcm", withFragment(mr, handMadeRle(30))));
		// a frame smaller than the RLE header
		assertEquals("malformed RLE Lossless DICOM: the frame holds 40 bytes, less than the 64-byte RLE header",
				rleError("hand_tiny.dcm", withFragment(mr, Arrays.copyOf(handMadeRle(31), 40))));
	}

	@Test
	void rleFramesMustMatchTheFragments() throws IOException {
		// rtdose_rle: 15 frames, 15 fragments, empty Basic Offset Table; claim 14 frames
		byte[] dose = Files.readAllBytes(DIR.resolve("rtdose_rle.dcm"));
		int at = indexOf(dose, new byte[] {0x28, 0x00, 0x08, 0x00, 'I', 'S', 2, 0, '1', '5'});
		assertTrue(at > 0);
		byte[] b = dose.clone();
		b[at + 9] = '4';
		assertEquals("malformed RLE Lossless DICOM: 15 fragments for 14 frames and no Basic Offset Table to say which frame each belongs to",
				rleError("frames.dcm", b));
	}

	private static int indexOf(byte[] b, byte[] pattern) {
		outer:
		for (int i = 0; i + pattern.length <= b.length; i++) {
			for (int j = 0; j < pattern.length; j++) if (b[i + j] != pattern[j]) continue outer;
			return i;
		}
		return -1;
	}

	// ------------------------------------------------------------------ series order

	@Test
	void sortSeriesByInstanceNumberThenPositionThenName() throws IOException {
		JsonObject series = expected.getAsJsonObject("series");
		for (String folder : series.keySet()) {
			List<String> want = new ArrayList<>();
			for (JsonElement n : series.getAsJsonArray(folder)) want.add(n.getAsString());
			List<Path> files;
			try (Stream<Path> s = Files.list(DIR.resolve("generated").resolve(folder))) {
				files = new ArrayList<>(s.toList());
			}
			for (List<Path> input : List.of(sortedByName(files, false), sortedByName(files, true))) {
				List<String> got = DicomReader.sortSeries(input).stream().map(p -> p.getFileName().toString()).toList();
				assertEquals(want, got, folder);
			}
		}
	}

	/** MR_small copies with patched InstanceNumber values (IS, 2 bytes "1 "), plus a file that is not DICOM. */
	@Test
	void sortSeriesOfPatchedCopies() throws IOException {
		byte[] mr = Files.readAllBytes(DIR.resolve("MR_small.dcm"));
		int at = indexOf(mr, new byte[] {0x20, 0x00, 0x13, 0x00, 'I', 'S'});
		assertTrue(at > 0);
		assertEquals(2, mr[at + 6]);
		String[] names = {"c.dcm", "a.dcm", "d.dcm", "b.dcm"};
		String[] numbers = {"3 ", "9 ", "1 ", "12"};
		List<Path> files = new ArrayList<>();
		for (int i = 0; i < names.length; i++) {
			byte[] copy = mr.clone();
			copy[at + 8] = (byte) numbers[i].charAt(0);
			copy[at + 9] = (byte) numbers[i].charAt(1);
			files.add(Files.write(tmp.resolve(names[i]), copy));
		}
		files.add(Files.writeString(tmp.resolve("0_readme.txt"), "not an image"));
		List<String> got = DicomReader.sortSeries(files).stream().map(p -> p.getFileName().toString()).toList();
		assertEquals(List.of("d.dcm", "c.dcm", "a.dcm", "b.dcm", "0_readme.txt"), got);
		assertEquals(List.of(), DicomReader.sortSeries(List.of()));
	}

	private static List<Path> sortedByName(List<Path> files, boolean reverse) {
		List<Path> l = new ArrayList<>(files);
		l.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
		if (reverse) Collections.reverse(l);
		return l;
	}

	// ------------------------------------------------------------------ ImageJ 1's reader

	/** How ImageJ 1.54p's DICOM reader (ij.io.Opener) compares with DicomReader, file by file. */
	enum ImageJ {
		/** the same planes, values and bit depth */
		SAME,
		/** keeps MONOCHROME1 values and only inverts the display LUT: ours + ImageJ's = lo + hi */
		INVERTS_LUT_ONLY,
		/** compressed: ImageJ says "ImageJ cannot open compressed DICOM images" and returns null */
		CANNOT,
		/** fails (null or exception) */
		FAILS,
		/** rescale slope other than 1: ImageJ converts with IJ.run("32-bit"), which needs the GUI; same values where it has one */
		NEEDS_GUI,
		/** opens the truncated file and shows zeros for the missing pixels; DicomReader refuses it */
		ZERO_FILLS,
		/** ignores the Modality LUT Sequence: stored values */
		IGNORES_MODALITY_LUT,
		/** PALETTE COLOR as 8-bit indices with a display LUT */
		INDICES,
		/** uses all 16 bits, also those above HighBit: differs from ours by multiples of 2^BitsStored */
		NO_BIT_MASK,
		/** YBR_FULL and YBR_FULL_422 as one 8-bit channel */
		YBR_AS_GREY,
		/** another result: not compared */
		OTHER
	}

	static final Map<String, ImageJ> IMAGEJ = Map.ofEntries(
			entry("CT_small.dcm", ImageJ.SAME), entry("MR_small.dcm", ImageJ.SAME), entry("MR_small_bigendian.dcm", ImageJ.SAME),
			entry("MR_small_expb.dcm", ImageJ.SAME), entry("MR_small_implicit.dcm", ImageJ.SAME), entry("MR_small_padded.dcm", ImageJ.SAME),
			entry("SC_rgb_small_odd.dcm", ImageJ.SAME), entry("SC_ybr_full_422_uncompressed.dcm", ImageJ.YBR_AS_GREY),
			entry("rtdose.dcm", ImageJ.SAME), entry("rtdose_expb.dcm", ImageJ.SAME), entry("MR_truncated.dcm", ImageJ.ZERO_FILLS),
			entry("MR_small_RLE.dcm", ImageJ.CANNOT), entry("SC_rgb_rle.dcm", ImageJ.CANNOT), entry("SC_rgb_rle_2frame.dcm", ImageJ.CANNOT),
			entry("SC_rgb_rle_16bit.dcm", ImageJ.CANNOT), entry("SC_rgb_rle_16bit_2frame.dcm", ImageJ.CANNOT),
			entry("SC_rgb_rle_32bit.dcm", ImageJ.CANNOT), entry("SC_rgb_rle_32bit_2frame.dcm", ImageJ.CANNOT),
			entry("rtdose_rle.dcm", ImageJ.CANNOT), entry("rtdose_rle_1frame.dcm", ImageJ.CANNOT), entry("MR_small_jp2klossless.dcm", ImageJ.CANNOT),
			entry("MR_small_jpeg_ls_lossless.dcm", ImageJ.CANNOT), entry("JPEG-lossy.dcm", ImageJ.CANNOT), entry("JPEG2000.dcm", ImageJ.CANNOT),
			entry("SC_rgb_jpeg_dcmtk.dcm", ImageJ.CANNOT),
			entry("generated/CT_small_modality_lut.dcm", ImageJ.IGNORES_MODALITY_LUT), entry("generated/CT_small_12bit_signed.dcm", ImageJ.NO_BIT_MASK), entry("generated/MR_small_deflate.dcm", ImageJ.FAILS),
			entry("generated/MR_small_monochrome1.dcm", ImageJ.INVERTS_LUT_ONLY), entry("generated/MR_small_rescale.dcm", ImageJ.NEEDS_GUI),
			entry("generated/MR_small_nometa_bigendian", ImageJ.FAILS), entry("generated/MR_small_nometa_explicit", ImageJ.SAME),
			entry("generated/MR_small_nometa_implicit", ImageJ.SAME), entry("generated/bits1_2frame.dcm", ImageJ.FAILS),
			entry("generated/enhanced_3frame_rescale.dcm", ImageJ.NEEDS_GUI), entry("generated/palette_color.dcm", ImageJ.INDICES),
			entry("generated/rgb_planar1_bigendian.dcm", ImageJ.SAME),
			entry("generated/ybr_full.dcm", ImageJ.YBR_AS_GREY), entry("generated/ybr_full_422.dcm", ImageJ.YBR_AS_GREY));

	@TestFactory
	Stream<DynamicTest> comparedWithImageJ() {
		return files().stream().map(e -> e.get("file").getAsString()).map(name -> DynamicTest.dynamicTest(name, () -> {
			ImageJ relation = IMAGEJ.get(name);
			assertNotNull(relation, "no documented ImageJ behaviour for " + name);
			compareWithImageJ(DIR.resolve(name), relation);
		}));
	}

	private static void compareWithImageJ(Path file, ImageJ relation) throws Exception {
		ImagePlus imp;
		Throwable failure = null;
		try {
			imp = quietly(() -> {
				Opener opener = new Opener();
				opener.setSilentMode(true);
				return opener.openImage(file.toAbsolutePath().toString());
			});
		} catch (RuntimeException | Error t) {
			imp = null;
			failure = t;
		}
		String what = file.getFileName() + " (" + relation + ")";
		switch (relation) {
			case CANNOT, FAILS -> assertNull(imp, what);
			case NEEDS_GUI -> {
				if (GraphicsEnvironment.isHeadless()) {
					assertNull(imp, what);
					assertNotNull(failure, what);
				} else if (imp != null && file.getFileName().toString().equals("MR_small_rescale.dcm")) {
					assertSameValues(READER.read(file, ReadOptions.DEFAULT), imp, what);
				}
			}
			case SAME -> {
				assertNotNull(imp, what);
				ImageData ours = READER.read(file, ReadOptions.DEFAULT);
				assertEquals(ours.bitDepth(), imp.getBitDepth(), what);
				assertSameValues(ours, imp, what);
			}
			case INVERTS_LUT_ONLY -> {
				assertNotNull(imp, what);
				assertTrue(imp.isInvertedLut(), what);
				float[] ours = READER.read(file, ReadOptions.DEFAULT).planes().get(0).pixels();
				float[] theirs = ImageJReader.planes(imp).get(0).pixels();
				// 12-bit unsigned, intercept -100: lo = -100, hi = 3995
				for (int i = 0; i < ours.length; i++) assertEquals(3895f, ours[i] + theirs[i], 1e-3f, what + " pixel " + i);
			}
			case ZERO_FILLS -> {
				assertNotNull(imp, what);
				float[] theirs = ImageJReader.planes(imp).get(0).pixels();
				assertEquals(0f, theirs[theirs.length - 1], what);
				assertThrows(ImageReadException.class, () -> READER.read(file, ReadOptions.DEFAULT));
			}
			case IGNORES_MODALITY_LUT -> {
				// the generated file is CT_small's pixels (40..71, 40..71) with a LUT instead of the rescale (-1024)
				assertNotNull(imp, what);
				float[] theirs = ImageJReader.planes(imp).get(0).pixels();
				float[] hu = READER.read(DIR.resolve("CT_small.dcm"), ReadOptions.DEFAULT).planes().get(0).pixels();
				for (int r = 0; r < 32; r++) {
					for (int c = 0; c < 32; c++) assertEquals(hu[(r + 40) * 128 + c + 40] + 1024, theirs[r * 32 + c], what);
				}
			}
			case INDICES -> {
				assertNotNull(imp, what);
				assertEquals(8, imp.getBitDepth(), what);
				assertEquals(3, READER.read(file, ReadOptions.DEFAULT).planes().get(0).channels(), what);
			}
			case NO_BIT_MASK -> {
				assertNotNull(imp, what);
				float[] ours = READER.read(file, ReadOptions.DEFAULT).planes().get(0).pixels();
				float[] theirs = ImageJReader.planes(imp).get(0).pixels();
				int differ = 0;
				for (int i = 0; i < ours.length; i++) {
					int d = Math.round(theirs[i] - ours[i]);
					assertEquals(0, Math.floorMod(d, 4096), what + " pixel " + i);
					if (d != 0) differ++;
				}
				assertTrue(differ > ours.length / 2, what);
			}
			case YBR_AS_GREY -> {
				assertNotNull(imp, what);
				assertEquals(8, imp.getBitDepth(), what);
				assertEquals(1, ImageJReader.planes(imp).get(0).channels(), what);
			}
			case OTHER -> { }
		}
	}

	interface Action<T> {
		T run() throws ImageReadException;
	}

	/** In batch mode, with stdout / stderr muted: headless, ImageJ prints its error messages there. */
	static <T> T quietly(Action<T> action) throws ImageReadException {
		boolean wasBatch = ij.macro.Interpreter.isBatchMode();
		PrintStream out = System.out;
		PrintStream err = System.err;
		PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
		ij.macro.Interpreter.batchMode = true;
		System.setOut(quiet);
		System.setErr(quiet);
		try {
			return action.run();
		} finally {
			ij.macro.Interpreter.batchMode = wasBatch;
			System.setOut(out);
			System.setErr(err);
		}
	}

	private static void assertSameValues(ImageData ours, ImagePlus imp, String what) {
		List<ImagePlane> theirs = ImageJReader.planes(imp);
		assertEquals(ours.planes().size(), theirs.size(), what);
		for (int f = 0; f < theirs.size(); f++) {
			assertEquals(ours.planes().get(f).channels(), theirs.get(f).channels(), what);
			assertArrayEquals(ours.planes().get(f).pixels(), theirs.get(f).pixels(), 1e-3f, what + " frame " + f);
		}
	}

	// ------------------------------------------------------------------ provenance

	@Test
	void readmeListsEveryCommittedFile() throws IOException {
		String readme = Files.readString(DIR.resolve("README.md"), StandardCharsets.UTF_8);
		assertTrue(Files.exists(DIR.resolve("LICENSE")));
		for (JsonObject e : files()) {
			String name = Path.of(e.get("file").getAsString()).getFileName().toString();
			assertTrue(readme.contains("`" + name + "`"), "README.md does not describe " + name);
		}
	}
}
