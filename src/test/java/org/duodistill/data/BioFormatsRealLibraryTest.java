package org.duodistill.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Bio-Formats adapter against the real library: Bio-Formats 8.0.0 and its dependencies from
 * {@code ../shared/bioformats/jars} (or {@code -Dduodistill.bioformats.jars=DIR}), loaded by a class
 * loader of their own as a plugin class loader would, never from the build's class path. Skipped
 * when the folder is absent. Expected values come from independent readers (numpy patterns,
 * Pillow, tifffile, pydicom, nibabel) through {@code scripts/make_bioformats_fixtures.py}.
 */
class BioFormatsRealLibraryTest {
	static final Path DATA = Path.of("src/test/resources/data/bioformats");
	static ClassLoader loader;
	static JsonObject expected;

	@TempDir
	Path dir;

	static Path jars() {
		String p = System.getProperty("duodistill.bioformats.jars");
		return p != null ? Path.of(p) : Path.of("..", "shared", "bioformats", "jars");
	}

	/** A class loader over the real Bio-Formats jars, or null when they are not here. */
	static ClassLoader bioFormatsLoader() throws Exception {
		Path jars = jars();
		if (!Files.isDirectory(jars)) return null;
		List<URL> urls = new ArrayList<>();
		try (Stream<Path> s = Files.list(jars)) {
			for (Path p : s.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) urls.add(p.toUri().toURL());
		}
		return urls.isEmpty() ? null : new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
	}

	@BeforeAll
	static void load() throws Exception {
		loader = bioFormatsLoader();
		assumeTrue(loader != null, "real Bio-Formats jars not found at " + jars().toAbsolutePath());
		expected = JsonParser.parseString(Files.readString(DATA.resolve("expected.json"))).getAsJsonObject();
	}

	static BioFormatsReader adapter() {
		BioFormatsReader bf = BioFormatsReader.find(loader);
		assertTrue(bf != null, "the adapter finds Bio-Formats through the jars' class loader");
		return bf;
	}

	static JsonObject kase(String file) {
		for (JsonElement e : expected.getAsJsonArray("cases")) if (e.getAsJsonObject().get("file").getAsString().equals(file)) return e.getAsJsonObject();
		throw new AssertionError("no expected values for " + file);
	}

	/** Every case with listed planes, against the independent reader's values. */
	@Test
	void everyFileReadsAsTheIndependentReaderReadsIt() throws Exception {
		BioFormatsReader bf = adapter();
		List<String> failures = new ArrayList<>();
		for (JsonElement e : expected.getAsJsonArray("cases")) {
			JsonObject c = e.getAsJsonObject();
			if (!c.has("planes")) continue;
			String file = c.get("file").getAsString();
			ImageData d;
			try {
				d = bf.read(DATA.resolve(file), ReadOptions.DEFAULT);
			} catch (ImageReadException ex) {
				failures.add(file + ": " + ex.reason());
				continue;
			}
			JsonArray planes = c.getAsJsonArray("planes");
			List<Integer> indices = new ArrayList<>();
			if (c.has("plane_indices")) {
				assertEquals(c.get("plane_count").getAsInt(), d.planes().size(), file);
				for (JsonElement i : c.getAsJsonArray("plane_indices")) indices.add(i.getAsInt());
			} else {
				assertEquals(planes.size(), d.planes().size(), file + ": plane count");
				for (int i = 0; i < planes.size(); i++) indices.add(i);
			}
			for (int i = 0; i < planes.size(); i++) {
				String problem = compare(file.contains("RLE"), planes.get(i).getAsJsonObject(), d.planes().get(indices.get(i)));
				if (problem != null) failures.add(file + " plane " + indices.get(i) + ": " + problem);
			}
		}
		assertTrue(failures.isEmpty(), String.join("\n", failures));
	}

	/**
	 * Null when the plane matches. Lossless: every value (or the SHA-1 of every value); RLE: all but
	 * the last pixel, which Bio-Formats 8.0.0 decodes wrongly (its bug, not copied into the
	 * expectation); lossy: 8x8 block means within one grey level.
	 */
	static String compare(boolean lastPixelKnownWrong, JsonObject e, ImagePlane p) throws Exception {
		String shape = e.get("channels").getAsInt() + "x" + e.get("height").getAsInt() + "x" + e.get("width").getAsInt();
		String got = p.channels() + "x" + p.height() + "x" + p.width();
		if (!shape.equals(got)) return "shape " + got + ", expected " + shape;
		float[] v = p.pixels();
		if (e.has("values")) {
			JsonArray want = e.getAsJsonArray("values");
			int n = lastPixelKnownWrong ? want.size() - 1 : want.size();
			for (int i = 0; i < n; i++) {
				if (v[i] != want.get(i).getAsFloat()) return "value " + i + " is " + v[i] + ", expected " + want.get(i);
			}
			return null;
		}
		if (e.has("float32_sha1")) {
			ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
			for (float x : v) b.putFloat(x);
			String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b.array()));
			if (!sha.equals(e.get("float32_sha1").getAsString())) return "values differ (SHA-1), first block means " + blockMeans(p).subList(0, 4);
			return null;
		}
		JsonArray want = e.getAsJsonArray("block8");
		List<Double> means = blockMeans(p);
		double worst = 0;
		for (int i = 0; i < want.size(); i++) worst = Math.max(worst, Math.abs(means.get(i) - want.get(i).getAsDouble()));
		return worst <= 1.0 ? null : "8x8 block means differ by up to " + worst;
	}

	static List<Double> blockMeans(ImagePlane p) {
		List<Double> out = new ArrayList<>();
		int bw = p.width() / 8, bh = p.height() / 8;
		for (int c = 0; c < p.channels(); c++) {
			for (int by = 0; by < bh; by++) {
				for (int bx = 0; bx < bw; bx++) {
					double s = 0;
					for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) s += p.pixels()[(c * p.height() + by * 8 + y) * p.width() + bx * 8 + x];
					out.add(s / 64);
				}
			}
		}
		return out;
	}

	@Test
	void aPyramidGivesItsSmallestLevelAtLeastTheTargetSizeAndLabelsAreSkipped() throws Exception {
		BioFormatsReader bf = adapter();
		Path slide = DATA.resolve("slide.svs");
		JsonObject c = kase("slide.svs");
		// levels 256x192, 128x96, 64x48; blue = 10 x level
		int[][] cases = {{40, 2}, {90, 1}, {100, 0}, {500, 0}};
		for (int[] tc : cases) {
			ImageData d = bf.read(slide, ReadOptions.DEFAULT.withTargetSize(tc[0]));
			assertEquals(1, d.planes().size(), "label and macro give no samples: " + d.format());
			ImagePlane p = d.planes().get(0);
			JsonArray size = c.getAsJsonArray("levels").get(tc[1]).getAsJsonArray();
			assertEquals(List.of(size.get(0).getAsInt(), size.get(1).getAsInt()), List.of(p.width(), p.height()), "target " + tc[0]);
			int n = p.width() * p.height();
			for (int i = 0; i < n; i++) assertEquals(10f * tc[1], p.pixels()[2 * n + i], "blue says which level was read");
			assertEquals(256, d.width(), "the file's own size is reported");
			assertTrue(d.format().contains("2 thumbnail/label/macro series skipped"), d.format());
			assertTrue(d.format().contains("pyramid level " + (tc[1] + 1) + " of 3"), d.format());
		}
		String problem = compare(false, c.getAsJsonArray("planes_by_level").get(2).getAsJsonObject(),
				bf.read(slide, ReadOptions.DEFAULT.withTargetSize(40)).planes().get(0));
		assertEquals(null, problem);
	}

	@Test
	void zStackPlanesComeByZForEachTimePointAndTheSlicePolicyAppliesPerTimePoint() throws Exception {
		ImageReaders readers = ImageReaders.withBioFormatsFrom(loader);
		Path stack = DATA.resolve("zstack.ome.tif");
		ImageData all = readers.readData(stack, ReadOptions.DEFAULT);
		assertEquals("Bio-Formats", all.reader());
		assertEquals(List.of(4, 4), all.stacks(), "one stack of 4 z per time point");
		// channel 0 (red) of (t, z) holds 10000 t + 1000 z at pixel (0, 0); channel 1 (green) 100 more
		for (int t = 0; t < 2; t++) {
			for (int z = 0; z < 4; z++) {
				ImagePlane p = all.planes().get(t * 4 + z);
				int n = p.width() * p.height();
				assertEquals(10000f * t + 1000 * z, p.pixels()[0], "red of t=" + t + " z=" + z);
				assertEquals(10000f * t + 1000 * z + 100, p.pixels()[n], "green of t=" + t + " z=" + z);
				assertEquals(0f, p.pixels()[2 * n], "no third channel: blue is 0");
			}
		}
		ImageData central = readers.readData(stack, new ReadOptions(new SlicePolicy(2, 1, 2, 0), 0));
		assertEquals(List.of(2, 3, 6, 7), central.sliceNumbers(), "the central 2 z of each time point");
		assertEquals(List.of(2, 2), central.stacks());
		assertEquals(1000f, central.planes().get(0).pixels()[0]);
		assertEquals(12000f, central.planes().get(3).pixels()[0]);
		// a multi-page TIFF that Bio-Formats calls a time series is one stack
		ImageData pages = readers.readData(DATA.resolve("gray16.tif"), new ReadOptions(new SlicePolicy(2, 1, 1, 0), 0));
		assertEquals(List.of(1), pages.sliceNumbers());
	}

	@Test
	void aFileIsReadAloneAndABrokenNeighbourOrAFailingFileIsReportedWithWhatEachReaderSaid() throws Exception {
		Path a = Files.createDirectories(dir.resolve("a"));
		Path b = Files.createDirectories(dir.resolve("b"));
		Path dicom = Path.of("src/test/resources/data/dicom");
		Files.copy(dicom.resolve("JPEG2000.dcm"), a.resolve("JPEG2000.dcm"));
		Files.copy(dicom.resolve("MR_truncated.dcm"), a.resolve("MR_truncated.dcm"));
		Files.copy(dicom.resolve("MR_small_jp2klossless.dcm"), a.resolve("MR_small_jp2klossless.dcm"));
		Files.copy(dicom.resolve("JPEG-lossy.dcm"), a.resolve("JPEG-lossy.dcm"));
		Files.copy(dicom.resolve("MR_small.dcm"), b.resolve("MR_small.dcm"));
		Files.copy(DATA.resolve("SC_rgb_jpeg_gdcm.dcm"), b.resolve("SC_rgb_jpeg_gdcm.dcm"));
		Files.copy(DATA.resolve("JPEG2000-embedded-sequence-delimiter.dcm"), b.resolve("JPEG2000-embedded-sequence-delimiter.dcm"));
		Files.copy(DATA.resolve("rgba.png"), b.resolve("rgba.png"));
		Dataset ds = new DatasetLoader(ImageReaders.withBioFormatsFrom(loader), 32, null).load(dir, false);
		Map<String, ImportRecord> report = ds.report().stream().collect(Collectors.toMap(r -> r.file().getFileName().toString(), r -> r));
		assertEquals("Bio-Formats", report.get("JPEG2000.dcm").reader(), "read next to a truncated DICOM file: " + report.get("JPEG2000.dcm"));
		assertEquals("Bio-Formats", report.get("MR_small_jp2klossless.dcm").reader());
		assertEquals("Bio-Formats", report.get("SC_rgb_jpeg_gdcm.dcm").reader());
		assertEquals("Bio-Formats", report.get("rgba.png").reader());
		assertEquals("DICOM", report.get("MR_small.dcm").reader(), "uncompressed DICOM stays with our reader");
		assertFalse(report.get("MR_truncated.dcm").used(), "a truncated file is not padded by the next reader");
		assertTrue(report.get("MR_truncated.dcm").reason().startsWith("truncated DICOM file"), report.get("MR_truncated.dcm").reason());
		for (JsonElement e : expected.getAsJsonArray("failing")) {
			JsonObject f = e.getAsJsonObject();
			String name = Path.of(f.get("file").getAsString()).getFileName().toString();
			ImportRecord r = report.get(name);
			assertFalse(r.used(), name);
			String reason = r.reason();
			assertTrue(reason.contains("DICOM: compressed DICOM (") && reason.contains("left to Bio-Formats"), reason);
			assertTrue(reason.contains("Bio-Formats: ") && reason.contains(f.get("bio_formats_says").getAsString()), reason);
			assertTrue(reason.contains("ImageJ: ") && reason.contains("ImageJ cannot open compressed DICOM"), reason);
			assertFalse(reason.contains("without Bio-Formats"), "Bio-Formats was there: " + reason);
		}
		assertTrue(ds.reportCsv().lines().anyMatch(l -> l.contains("JPEG2000.dcm") && l.contains(",Bio-Formats,Bio-Formats DICOM")), ds.reportCsv());
	}

	/** The FakeReader draws x as the value of a uint16 pixel (a few marker pixels at the top left aside). */
	@Test
	void aHugePlaneWithoutATargetSizeIsAveragedDownWhileReading() throws Exception {
		BioFormatsReader bf = BioFormatsReader.find(loader, 1_000_000);
		Path fake = Files.createFile(dir.resolve("huge&sizeX=6000&sizeY=5000&pixelType=uint16.fake"));
		ImageData d = bf.read(fake, ReadOptions.DEFAULT);
		ImagePlane p = d.planes().get(0);
		assertEquals(List.of(6000, 5000), List.of(d.width(), d.height()));
		assertTrue((long) p.width() * p.height() <= 1_000_000, p.width() + "x" + p.height());
		int f = 6000 / p.width();
		assertEquals(6, f, "the smallest whole factor within the budget");
		assertTrue(d.format().contains("read at 1/6"), d.format());
		for (int y = 2; y < p.height(); y += 97) {
			for (int x = 0; x < p.width(); x += 31) {
				assertEquals(x * f + (f - 1) / 2.0, p.pixels()[y * p.width() + x], 1e-3, "block mean at " + x + "," + y);
			}
		}
	}

	@Test
	void oneBioFormatsReaderPerThreadServesEveryFile() throws Exception {
		BioFormatsReader bf = adapter();
		List<Path> files = List.of(DATA.resolve("rgba.png"), DATA.resolve("palette.gif"), DATA.resolve("gray16.tif"), DATA.resolve("slide.svs"));
		for (Path f : files) {
			assertTrue(bf.claims(f), f.toString());
			bf.read(f, ReadOptions.DEFAULT);
		}
		assertEquals(1, bf.readersMade(), "claims and reads of " + files.size() + " files on one thread");
		Thread other = new Thread(() -> bf.claims(files.get(0)));
		other.start();
		other.join();
		assertEquals(2, bf.readersMade(), "another thread gets its own");
		assertFalse(bf.claims(DATA.resolve("expected.json")), "JSON is not an image to Bio-Formats");
	}

	@Test
	void bioFormatsLogsNothingBelowWarnUnlessTheUserConfiguredLogging() throws Exception {
		adapter();
		Class<?> factory = Class.forName("org.slf4j.LoggerFactory", true, loader);
		Object log = factory.getMethod("getLogger", String.class).invoke(null, "loci.formats.FormatHandler");
		assertEquals("ch.qos.logback.classic.Logger", log.getClass().getName(), "the jars bring Logback, as bioformats_package.jar does");
		assertFalse((Boolean) log.getClass().getMethod("isDebugEnabled").invoke(log));
		assertFalse((Boolean) log.getClass().getMethod("isInfoEnabled").invoke(log));
		assertTrue((Boolean) log.getClass().getMethod("isWarnEnabled").invoke(log));
	}

	@Test
	void anUnreadableFileIsAClearErrorFromTheAdapter() throws Exception {
		BioFormatsReader bf = adapter();
		Path bad = dir.resolve("cut.png");
		byte[] png = Files.readAllBytes(DATA.resolve("rgba.png"));
		Files.write(bad, java.util.Arrays.copyOf(png, 40));
		ImageReadException e = assertThrows(ImageReadException.class, () -> bf.read(bad, ReadOptions.DEFAULT));
		assertEquals(bad, e.file());
		assertFalse(e.reason().isBlank());
	}
}
