package org.duodistill.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NiftiReader against values nibabel computed for the committed files (expected.json, written by
 * scripts/make_nifti_expectations.py), and against damaged copies of them.
 */
class NiftiReaderTest {
	static final Path DIR = Path.of("src/test/resources/data/nifti");
	private static JsonObject files;

	@BeforeAll
	static void loadExpectations() throws IOException {
		files = JsonParser.parseString(Files.readString(DIR.resolve("expected.json"))).getAsJsonObject().getAsJsonObject("files");
	}

	static Stream<Arguments> filesAndAxes() throws IOException {
		loadExpectations();
		List<Arguments> out = new ArrayList<>();
		for (String name : files.keySet()) for (int axis = 0; axis < 3; axis++) out.add(Arguments.of(name, axis));
		return out.stream();
	}

	private static ImageData read(Path file, int axis) throws ImageReadException {
		return new NiftiReader().read(file, new ReadOptions(new SlicePolicy(axis, 1, 0, 0), 0));
	}

	// ---------------------------------------------------------------------------------------------
	// Values against nibabel
	// ---------------------------------------------------------------------------------------------

	@ParameterizedTest(name = "{0} along axis {1}")
	@MethodSource("filesAndAxes")
	void matchesNibabel(String name, int axis) throws Exception {
		JsonObject e = files.getAsJsonObject(name);
		JsonObject ax = e.getAsJsonObject("axes").getAsJsonObject(Integer.toString(axis));
		Path file = DIR.resolve(name);
		assertTrue(new NiftiReader().claims(file), name);
		ImageData d = read(file, axis);

		int planes = ax.get("planes").getAsInt();
		int w = ax.get("width").getAsInt();
		int h = ax.get("height").getAsInt();
		int channels = e.get("channels").getAsInt();
		assertEquals(e.get("format").getAsString(), d.format());
		assertEquals(planes, d.planes().size(), "plane count");
		assertEquals(planes, d.depth(), "depth");
		assertEquals(w, d.width(), "width");
		assertEquals(h, d.height(), "height");
		assertEquals(e.get("bit_depth").getAsInt(), d.bitDepth(), "bit depth");
		assertEquals(IntStream.rangeClosed(1, planes).boxed().toList(), d.sliceNumbers());
		for (ImagePlane p : d.planes()) {
			assertEquals(w, p.width());
			assertEquals(h, p.height());
			assertEquals(channels, p.channels());
			assertEquals(e.get("bit_depth").getAsInt(), p.bitDepth());
		}

		for (JsonElement s : ax.getAsJsonArray("stats")) {
			JsonObject st = s.getAsJsonObject();
			int k = st.get("plane").getAsInt();
			assertStats(st, d.planes().get(k).pixels(), name + " axis " + axis + " plane " + k);
		}
		// every voxel is somewhere: totals over all planes
		float[] all = concat(d.planes());
		assertStats(e.getAsJsonObject("total"), all, name + " axis " + axis + " all planes");

		int[] shape = shape5(e);
		int a = ax.get("slicing_axis").getAsInt();
		assertTrue(axis == a || shape[2] == 1, "the axis is only overridden for flat files");
		for (JsonElement v : e.getAsJsonArray("voxels")) {
			JsonObject vo = v.getAsJsonObject();
			int[] idx = ints(vo.getAsJsonArray("index"));
			JsonArray values = vo.getAsJsonArray("value");
			for (int c = 0; c < channels; c++) {
				double expected = values.get(c).getAsDouble();
				float got = voxel(d, shape, a, idx, c);
				assertEquals(expected, got, 1e-6 * Math.abs(expected) + 1e-6,
						name + " axis " + axis + " voxel " + Arrays.toString(idx) + " channel " + c);
			}
		}
	}

	/**
	 * The value of voxel (x, y, z, t) in the planes, by the layout NiftiReader documents: plane
	 * t * n + index along the axis, pixel (u, v) = the remaining two indices in file order.
	 */
	private static float voxel(ImageData d, int[] shape, int axis, int[] idx, int channel) {
		int t = idx[3];
		int n = shape[axis];
		int[] rest = IntStream.range(0, 3).filter(i -> i != axis).toArray();
		int u = idx[rest[0]];
		int v = idx[rest[1]];
		ImagePlane p = d.planes().get(t * n + idx[axis]);
		return p.pixels()[channel * p.width() * p.height() + v * p.width() + u];
	}

	private static void assertStats(JsonObject st, float[] px, String what) {
		double min = Double.POSITIVE_INFINITY;
		double max = Double.NEGATIVE_INFINITY;
		double sum = 0;
		for (float f : px) {
			min = Math.min(min, f);
			max = Math.max(max, f);
			sum += f;
		}
		double eMin = st.get("min").getAsDouble();
		double eMax = st.get("max").getAsDouble();
		double scale = Math.max(Math.abs(eMin), Math.abs(eMax));
		// float32 planes: each value within 2^-24 relative of nibabel's float64
		assertEquals(eMin, min, 1e-6 * Math.abs(eMin) + 1e-9, what + " min");
		assertEquals(eMax, max, 1e-6 * Math.abs(eMax) + 1e-9, what + " max");
		assertEquals(st.get("mean").getAsDouble(), sum / px.length, 1e-6 * scale + 1e-9, what + " mean");
		assertEquals(st.get("sum").getAsDouble(), sum, 1e-6 * scale * px.length + 1e-9, what + " sum");
	}

	@Test
	void headerFieldsOfTheCommittedFilesAreWhatTheReaderReports() throws Exception {
		// the format line carries version, datatype, byte order, dimensions and non-trivial scaling
		for (Map.Entry<String, JsonElement> f : files.entrySet()) {
			JsonObject e = f.getValue().getAsJsonObject();
			String format = read(DIR.resolve(f.getKey()), 2).format();
			assertTrue(format.startsWith("NIfTI-" + e.get("nifti_version").getAsInt()), format);
			assertTrue(format.contains(" " + e.get("dtype").getAsString() + " (" + e.get("endianness").getAsString() + "-endian)"), format);
			String dims = String.join("x", Arrays.stream(ints(e.getAsJsonArray("shape"))).mapToObj(Integer::toString).toList());
			assertTrue(format.contains(", " + dims), format);
		}
		// coverage the committed files are there for
		assertEquals("big", files.getAsJsonObject("anatomical.nii").get("endianness").getAsString());
		assertEquals(2, files.getAsJsonObject("example_nifti2.nii.gz").get("nifti_version").getAsInt());
		assertTrue(read(DIR.resolve("functional.nii"), 2).format().contains("scl_slope 0.07540697, scl_inter 3100.7617"));
	}

	// ---------------------------------------------------------------------------------------------
	// 4-D files
	// ---------------------------------------------------------------------------------------------

	@Test
	void fourDimensionalFilesGiveEveryVolumeVolumeByVolume() throws Exception {
		Path file = DIR.resolve("example4d.nii.gz"); // 128 x 96 x 24 x 2
		ImageData z = read(file, 2);
		assertEquals(48, z.planes().size());
		assertEquals(128, z.width());
		assertEquals(96, z.height());
		ImageData x = read(file, 0);
		assertEquals(256, x.planes().size());
		assertEquals(96, x.width());
		assertEquals(24, x.height());
		// voxel (x, y, z, t) is pixel (y, z) of x-plane t*128 + x and pixel (x, y) of z-plane t*24 + z
		for (int[] v : new int[][] {{60, 40, 12, 0}, {60, 40, 12, 1}, {127, 95, 23, 1}, {5, 90, 3, 1}}) {
			float viaZ = z.planes().get(v[3] * 24 + v[2]).pixels()[v[1] * 128 + v[0]];
			float viaX = x.planes().get(v[3] * 128 + v[0]).pixels()[v[2] * 96 + v[1]];
			assertEquals(viaZ, viaX, Arrays.toString(v));
		}
		// the two volumes differ (a real time series), so the order is observable
		assertFalse(Arrays.equals(z.planes().get(12).pixels(), z.planes().get(36).pixels()));
		JsonObject st = stats(files.getAsJsonObject("example4d.nii.gz"), 2, 24);
		assertStats(st, z.planes().get(24).pixels(), "first plane of the second volume");
	}

	private static JsonObject stats(JsonObject e, int axis, int plane) {
		for (JsonElement s : e.getAsJsonObject("axes").getAsJsonObject(Integer.toString(axis)).getAsJsonArray("stats")) {
			if (s.getAsJsonObject().get("plane").getAsInt() == plane) return s.getAsJsonObject();
		}
		throw new AssertionError("no expected stats for plane " + plane);
	}

	// ---------------------------------------------------------------------------------------------
	// Through ImageReaders: slice policies
	// ---------------------------------------------------------------------------------------------

	@Test
	void everySecondSliceThroughImageReaders() throws Exception {
		Path file = DIR.resolve("anatomical.nii"); // 25 slices along z
		ImageReaders readers = new ImageReaders(List.of(new NiftiReader(), new ImageJReader()));
		ImageData all = readers.readData(file, new ReadOptions(new SlicePolicy(2, 1, 0, 0), 0));
		ImageData d = readers.readData(file, new ReadOptions(new SlicePolicy(2, 2, 0, 0), 0));
		assertEquals(List.of(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25), d.sliceNumbers());
		for (int i = 0; i < d.planes().size(); i++) {
			assertArrayEquals(all.planes().get(d.sliceNumbers().get(i) - 1).pixels(), d.planes().get(i).pixels());
		}
		assertEquals(25, d.depth(), "depth is the file's plane count, not the kept count");
	}

	@Test
	void slicePoliciesKeepWhatNibabelSaysTheyShould() throws Exception {
		ImageReaders readers = new ImageReaders(List.of(new NiftiReader(), new ImageJReader()));
		int checked = 0;
		for (Map.Entry<String, JsonElement> f : files.entrySet()) {
			JsonObject e = f.getValue().getAsJsonObject();
			if (!e.has("slice_policies")) continue;
			for (JsonElement pe : e.getAsJsonArray("slice_policies")) {
				JsonObject p = pe.getAsJsonObject();
				SlicePolicy policy = new SlicePolicy(p.get("axis").getAsInt(), p.get("step").getAsInt(), p.get("central").getAsInt(),
						p.get("empty_threshold").getAsDouble());
				ImageData d = readers.readData(DIR.resolve(f.getKey()), new ReadOptions(policy, 0));
				List<Integer> kept = Arrays.stream(ints(p.getAsJsonArray("kept"))).boxed().toList();
				assertEquals(kept, d.sliceNumbers(), f.getKey() + " " + policy);
				checked++;
			}
		}
		assertTrue(checked >= 10, "policies checked: " + checked);
	}

	@Test
	void centralAndEmptyRulesDropTheEmptyBorderSlices() throws Exception {
		// reoriented_anat_moved.nii: 22 z-slices, the first three and the last few almost empty
		Path file = DIR.resolve("reoriented_anat_moved.nii");
		ImageReaders readers = new ImageReaders(List.of(new NiftiReader(), new ImageJReader()));
		ImageData empty = readers.readData(file, new ReadOptions(new SlicePolicy(2, 1, 0, 0.15), 0));
		ImageData central = readers.readData(file, new ReadOptions(new SlicePolicy(2, 1, 16, 0), 0));
		ImageData both = readers.readData(file, new ReadOptions(new SlicePolicy(2, 1, 16, 0.15), 0));
		assertEquals(IntStream.rangeClosed(4, 18).boxed().toList(), empty.sliceNumbers());
		assertEquals(IntStream.rangeClosed(4, 19).boxed().toList(), central.sliceNumbers());
		assertEquals(IntStream.rangeClosed(4, 18).boxed().toList(), both.sliceNumbers());
	}

	// ---------------------------------------------------------------------------------------------
	// Claims
	// ---------------------------------------------------------------------------------------------

	@Test
	void claimsNiftiNamesAndPairs(@TempDir Path tmp) throws Exception {
		NiftiReader r = new NiftiReader();
		assertTrue(r.claims(tmp.resolve("a.nii")));
		assertTrue(r.claims(tmp.resolve("A.NII.GZ")));
		assertFalse(r.claims(tmp.resolve("a.png")));
		assertFalse(r.claims(tmp.resolve("a.gz")));
		assertTrue(r.claims(DIR.resolve("derived_pair.hdr")));
		assertTrue(r.claims(DIR.resolve("derived_pair.img")));
		Path envi = Files.writeString(tmp.resolve("envi.hdr"), "ENVI\nsamples = 10\n");
		assertFalse(r.claims(envi), "a text .hdr is not NIfTI");
		// the .img half of a pair is not a second image: its reason points at the .hdr
		ImageReadException e = assertThrows(ImageReadException.class, () -> r.read(DIR.resolve("derived_pair.img"), ReadOptions.DEFAULT));
		assertTrue(e.reason().contains("derived_pair.hdr"), e.reason());
		// a .hdr whose .img is missing
		Path lonely = Files.copy(DIR.resolve("derived_pair.hdr"), tmp.resolve("lonely.hdr"));
		e = assertThrows(ImageReadException.class, () -> r.read(lonely, ReadOptions.DEFAULT));
		assertEquals("the voxel data file lonely.img of this NIfTI pair is missing", e.reason());
	}

	// ---------------------------------------------------------------------------------------------
	// Damaged files
	// ---------------------------------------------------------------------------------------------

	private static String reasonFor(Path file) {
		ImageReadException e = assertThrows(ImageReadException.class, () -> new NiftiReader().read(file, ReadOptions.DEFAULT));
		assertEquals(file, e.file());
		return e.reason();
	}

	private static Path patched(Path tmp, String source, String target, int offset, ByteOrder order, Number value) throws IOException {
		byte[] b = Files.readAllBytes(DIR.resolve(source));
		ByteBuffer bb = ByteBuffer.wrap(b).order(order);
		if (value instanceof Short s) bb.putShort(offset, s);
		else if (value instanceof Integer i) bb.putInt(offset, i);
		else if (value instanceof Long l) bb.putLong(offset, l);
		else if (value instanceof Float f) bb.putFloat(offset, f);
		else throw new IllegalArgumentException(value.getClass().toString());
		return Files.write(tmp.resolve(target), b);
	}

	@Test
	void truncatedGzipNamesTheMissingBytes(@TempDir Path tmp) throws Exception {
		byte[] gz = Files.readAllBytes(DIR.resolve("example4d.nii.gz"));
		Path half = Files.write(tmp.resolve("half.nii.gz"), Arrays.copyOf(gz, gz.length / 2));
		String reason = reasonFor(half);
		// 128 x 96 x 24 x 2 int16
		assertTrue(reason.matches("truncated: expected 1179648 bytes of voxel data, found \\d+ \\(the gzip stream ends early\\)"), reason);
		Path tiny = Files.write(tmp.resolve("tiny.nii.gz"), Arrays.copyOf(gz, 100));
		assertTrue(reasonFor(tiny).startsWith("truncated: the gzip stream ends after"), reasonFor(tiny));
		Path headerOnly = Files.write(tmp.resolve("h.nii.gz"), Arrays.copyOf(gz, 5));
		assertEquals("truncated: the gzip header is incomplete", reasonFor(headerOnly));
	}

	@Test
	void truncatedPlainFileNamesTheMissingBytes(@TempDir Path tmp) throws Exception {
		byte[] b = Files.readAllBytes(DIR.resolve("anatomical.nii")); // 33 x 41 x 25 int16 from byte 352
		Path cut = Files.write(tmp.resolve("cut.nii"), Arrays.copyOf(b, 20000));
		assertEquals("truncated: expected 67650 bytes of voxel data, found 19648", reasonFor(cut));
		Path header = Files.write(tmp.resolve("header.nii"), Arrays.copyOf(b, 200));
		assertEquals("truncated: expected a 348-byte NIfTI-1 header, found 200 bytes", reasonFor(header));
		Path noData = patched(tmp, "anatomical.nii", "far.nii", 108, ByteOrder.BIG_ENDIAN, 1e6f);
		assertEquals("truncated: expected 67650 bytes of voxel data, found 0", reasonFor(noData));
	}

	@Test
	void corruptGzipIsReported(@TempDir Path tmp) throws Exception {
		byte[] gz = Files.readAllBytes(DIR.resolve("example_nifti2.nii.gz"));
		for (int i = gz.length / 2; i < gz.length / 2 + 64; i++) gz[i] ^= 0x5a;
		String reason = reasonFor(Files.write(tmp.resolve("bad.nii.gz"), gz));
		assertTrue(reason.startsWith("corrupt gzip data") || reason.startsWith("truncated:"), reason);
		// a bit flip that still inflates is caught by the CRC
		byte[] plain = gunzip(DIR.resolve("example_nifti2.nii.gz"));
		byte[] again = gzip(plain);
		again[again.length - 8] ^= 1; // CRC32 in the trailer
		assertTrue(reasonFor(Files.write(tmp.resolve("crc.nii.gz"), again)).startsWith("corrupt gzip data"));
	}

	@Test
	void wrongMagicAndSizeofHdr(@TempDir Path tmp) throws Exception {
		Path magic = Files.write(tmp.resolve("magic.nii"), withBytes(DIR.resolve("anatomical.nii"), 344, "abc\0"));
		assertEquals("not a NIfTI file: magic is 'abc\\x00' (expected \"n+1\" or \"ni1\")", reasonFor(magic));
		Path analyze = Files.write(tmp.resolve("analyze.nii"), withBytes(DIR.resolve("anatomical.nii"), 344, "\0\0\0\0"));
		assertTrue(reasonFor(analyze).startsWith("not a NIfTI file: no NIfTI magic (an Analyze 7.5 header?)"));
		Path size = patched(tmp, "anatomical.nii", "size.nii", 0, ByteOrder.LITTLE_ENDIAN, 1234);
		assertEquals("not a NIfTI file: sizeof_hdr is 1234 (expected 348 for NIfTI-1 or 540 for NIfTI-2)", reasonFor(size));
		Path text = Files.writeString(tmp.resolve("notes.nii"), "this is not an image, just some text in a .nii file");
		assertTrue(reasonFor(text).startsWith("not a NIfTI file: sizeof_hdr is "));
		assertEquals("empty file (0 bytes)", reasonFor(Files.write(tmp.resolve("empty.nii"), new byte[0])));
		byte[] n2 = Files.readAllBytes(DIR.resolve("derived_int64_nifti2.nii"));
		n2[9] = '\r'; // "\r\n\032\n" became "\r\r..." : a text-mode transfer
		assertTrue(reasonFor(Files.write(tmp.resolve("n2.nii"), n2)).startsWith("corrupt NIfTI-2 header: the magic's check bytes"));
	}

	@Test
	void unsupportedDatatypeIsNamed(@TempDir Path tmp) throws Exception {
		Path complex = patched(tmp, "anatomical.nii", "complex.nii", 70, ByteOrder.BIG_ENDIAN, (short) 32);
		assertTrue(reasonFor(complex).startsWith("unsupported NIfTI datatype 32 (complex64); supported: uint8,"), reasonFor(complex));
		Path rgba = patched(tmp, "derived_int64_nifti2.nii", "rgba.nii", 12, ByteOrder.LITTLE_ENDIAN, (short) 2304);
		assertTrue(reasonFor(rgba).startsWith("unsupported NIfTI datatype 2304 (RGBA32)"), reasonFor(rgba));
		Path odd = patched(tmp, "anatomical.nii", "odd.nii", 70, ByteOrder.BIG_ENDIAN, (short) 7);
		assertTrue(reasonFor(odd).startsWith("unsupported NIfTI datatype 7 (not a NIfTI datatype code)"), reasonFor(odd));
	}

	@Test
	void absurdDimensionsAreRefusedBeforeAllocating(@TempDir Path tmp) throws Exception {
		// NIfTI-1: 32767^3 int16 voxels
		byte[] b = Files.readAllBytes(DIR.resolve("anatomical.nii"));
		ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
		for (int i = 1; i <= 3; i++) bb.putShort(40 + 2 * i, (short) 32767);
		String reason = reasonFor(Files.write(tmp.resolve("huge.nii"), b));
		assertTrue(reason.startsWith("NIfTI volume 32767x32767x32767 is too large: 35181150961663 voxels need"), reason);
		// NIfTI-2: dimensions whose product does not fit in a long
		byte[] n2 = Files.readAllBytes(DIR.resolve("derived_int64_nifti2.nii"));
		ByteBuffer b2 = ByteBuffer.wrap(n2).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 1; i <= 3; i++) b2.putLong(16 + 8 * i, 1L << 40);
		reason = reasonFor(Files.write(tmp.resolve("overflow.nii"), n2));
		assertTrue(reason.startsWith("absurd NIfTI dimensions 1099511627776x1099511627776x1099511627776"), reason);
		// a plane beyond 2^31-1 voxels even though the volume alone might pass
		b2.putLong(24, 70000L).putLong(32, 70000L).putLong(40, 1L);
		reason = reasonFor(Files.write(tmp.resolve("plane.nii"), n2));
		assertTrue(reason.contains("give planes of 70000x70000 voxels, more than the 2^31-1 a plane can hold"), reason);
		// bad dim[0] and a negative dimension
		Path dim0 = patched(tmp, "anatomical.nii", "dim0.nii", 40, ByteOrder.BIG_ENDIAN, (short) 9);
		assertEquals("corrupt NIfTI header: dim[0] (number of dimensions) is 9, expected 1 to 7", reasonFor(dim0));
		Path negative = patched(tmp, "anatomical.nii", "neg.nii", 44, ByteOrder.BIG_ENDIAN, (short) -5);
		assertEquals("corrupt NIfTI header: dim[2] is -5 (each of the 3 dimensions must be at least 1)", reasonFor(negative));
		Path offset = patched(tmp, "anatomical.nii", "offset.nii", 108, ByteOrder.BIG_ENDIAN, Float.NaN);
		assertEquals("corrupt NIfTI header: vox_offset is NaN", reasonFor(offset));
	}

	@Test
	void largeHeaderWithLittleGzipDataFailsFastAndSmall(@TempDir Path tmp) throws Exception {
		// 512^3 int16 (512 MiB of floats) claimed, but the gzip holds only the header and a little data
		byte[] plain = Arrays.copyOf(gunzip(DIR.resolve("example4d.nii.gz")), 416 + 1000);
		ByteBuffer bb = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
		bb.putShort(40, (short) 3);
		for (int i = 1; i <= 3; i++) bb.putShort(40 + 2 * i, (short) 512);
		Path file = Files.write(tmp.resolve("claims-big.nii.gz"), gzip(plain));
		long t0 = System.nanoTime();
		String reason = reasonFor(file);
		assertEquals("truncated: expected 268435456 bytes of voxel data, found 1000", reason);
		assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "no time spent allocating the claimed volume");
	}

	@Test
	void damagedFilesThroughImageReadersKeepTheNiftiReason(@TempDir Path tmp) throws Exception {
		Path magic = Files.write(tmp.resolve("magic.nii"), withBytes(DIR.resolve("anatomical.nii"), 344, "xyz\0"));
		ImageReaders readers = new ImageReaders(List.of(new NiftiReader(), new ImageJReader()));
		ImageReadException e = assertThrows(ImageReadException.class, () -> readers.readData(magic, ReadOptions.DEFAULT));
		assertTrue(e.reason().startsWith("NIfTI: not a NIfTI file: magic is 'xyz"), e.reason());
		assertTrue(e.reason().contains("; ImageJ: not a recognised image format"), "what the next reader said too: " + e.reason());
	}

	@Test
	void flatFilesIgnoreTheSlicingAxis() throws Exception {
		for (int axis = 0; axis < 3; axis++) {
			ImageData d = read(DIR.resolve("derived_2d.nii"), axis);
			assertEquals(1, d.planes().size());
			assertEquals(20, d.width());
			assertEquals(24, d.height());
		}
		ImageData f = read(DIR.resolve("functional.nii"), 0); // 17 x 21 x 3 x 20: sliced along x for real
		assertEquals(17 * 20, f.planes().size());
		assertNotEquals(0, f.planes().get(0).pixels().length);
	}

	// ---------------------------------------------------------------------------------------------

	private static byte[] withBytes(Path source, int offset, String ascii) throws IOException {
		byte[] b = Files.readAllBytes(source);
		byte[] s = ascii.getBytes(StandardCharsets.ISO_8859_1);
		System.arraycopy(s, 0, b, offset, s.length);
		return b;
	}

	private static byte[] gunzip(Path gz) throws IOException {
		try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
			return in.readAllBytes();
		}
	}

	private static byte[] gzip(byte[] plain) throws IOException {
		ByteArrayOutputStream bos = new ByteArrayOutputStream();
		try (OutputStream out = new GZIPOutputStream(bos)) {
			out.write(plain);
		}
		return bos.toByteArray();
	}

	private static int[] shape5(JsonObject e) {
		int[] s = {1, 1, 1, 1};
		JsonArray a = e.getAsJsonArray("shape");
		for (int i = 0; i < a.size() && i < 3; i++) s[i] = a.get(i).getAsInt();
		return s;
	}

	private static int[] ints(JsonArray a) {
		int[] r = new int[a.size()];
		for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsInt();
		return r;
	}

	private static float[] concat(List<ImagePlane> planes) {
		int n = 0;
		for (ImagePlane p : planes) n += p.pixels().length;
		float[] all = new float[n];
		int at = 0;
		for (ImagePlane p : planes) {
			System.arraycopy(p.pixels(), 0, all, at, p.pixels().length);
			at += p.pixels().length;
		}
		return all;
	}
}
