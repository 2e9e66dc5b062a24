package org.duodistill.data;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resize, robust scaling, channel conversion and normalisation, on planes read from real files. */
class PreprocessingTest {
	@TempDir
	Path tmp;

	static ImagePlane read(Path file) throws ImageReadException {
		List<ImagePlane> planes = ImageReaders.standard().read(file);
		assertEquals(1, planes.size(), file.toString());
		return planes.get(0);
	}

	static void assertUnitRange(float[] a) {
		for (int i = 0; i < a.length; i++) {
			assertTrue(a[i] >= 0f && a[i] <= 1f, "value [" + i + "] = " + a[i] + " outside [0,1]");
		}
	}

	static float min(float[] a) {
		float m = Float.POSITIVE_INFINITY;
		for (float v : a) m = Math.min(m, v);
		return m;
	}

	static float max(float[] a) {
		float m = Float.NEGATIVE_INFINITY;
		for (float v : a) m = Math.max(m, v);
		return m;
	}

	@Test
	void scaledHasSizeSquaredPerChannelAndSpansTheUnitRange() throws Exception {
		ImagePlane grey = read(TestImages.gray8Tiff(tmp.resolve("g.tif"), 50, 30, (x, y) -> TestImages.pattern(x, y, 50, 30)));
		float[] g = Preprocessing.scaled(grey, 24, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
		assertEquals(24 * 24, g.length);
		assertUnitRange(g);
		assertEquals(0f, min(g), 1e-6, "the low percentile maps to 0");
		assertEquals(1f, max(g), 1e-6, "the high percentile maps to 1");

		ImagePlane rgb = read(TestImages.rgbPng(tmp.resolve("c.png"), 40, 40));
		assertEquals(3, rgb.channels());
		float[] c = Preprocessing.scaled(rgb, 16, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
		assertEquals(3 * 16 * 16, c.length);
		assertUnitRange(c);

		// The committed 64x64 sample, upscaled.
		ImagePlane sample = read(TestImages.sample("coronal", 40));
		float[] s = Preprocessing.scaled(sample, 96, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
		assertEquals(96 * 96, s.length);
		assertUnitRange(s);
		assertTrue(max(s) - min(s) > 0.9f, "a real image keeps its contrast");
	}

	@Test
	void robustScalingMakesSixteenBitAndEightBitVersionsAgree() throws Exception {
		int w = 48;
		int h = 40;
		Path f8 = TestImages.gray8Tiff(tmp.resolve("eight.tif"), w, h, (x, y) -> TestImages.pattern(x, y, w, h));
		// The same picture stored as 16-bit values 1000..3000.
		Path f16 = TestImages.gray16Tiff(tmp.resolve("sixteen.tif"), w, h,
				(x, y) -> (int) Math.round(1000 + TestImages.pattern(x, y, w, h) * 2000.0 / 255));
		ImagePlane p8 = read(f8);
		ImagePlane p16 = read(f16);
		assertEquals(8, p8.bitDepth());
		assertEquals(16, p16.bitDepth());
		assertEquals(1000f, min(p16.pixels()), 0.5f, "the 16-bit file really holds 1000..3000");
		assertEquals(3000f, max(p16.pixels()), 0.5f);

		for (int size : new int[] {w, 32}) {
			float[] a = Preprocessing.scaled(p8, size, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
			float[] b = Preprocessing.scaled(p16, size, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
			assertEquals(a.length, b.length);
			double worst = 0;
			for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
			assertTrue(worst < 0.01, "size " + size + ": 8-bit and 16-bit differ by up to " + worst);
			assertTrue(max(a) - min(a) > 0.9f, "not trivially equal because both are flat");
		}
	}

	@Test
	void robustScalingIgnoresAFewHotPixels() throws Exception {
		int w = 64;
		Path f = TestImages.gray16Tiff(tmp.resolve("hot.tif"), w, w, (x, y) -> (x == 5 && y == 7) ? 65000 : 100 + 3 * x + y);
		float[] s = Preprocessing.scaled(read(f), w, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
		assertUnitRange(s);
		// Plain min-max scaling would squeeze everything else below 0.005.
		double mean = DatasetLoaderTest.mean(s);
		assertTrue(mean > 0.3 && mean < 0.7, "mean " + mean);
		assertEquals(1f, s[7 * w + 5], 0f, "the hot pixel is clipped to 1");
	}

	@Test
	void constantImageGivesZerosWithoutNaN() throws Exception {
		for (Path f : List.of(TestImages.gray8Tiff(tmp.resolve("flat8.tif"), 20, 20, (x, y) -> 77),
				TestImages.float32Tiff(tmp.resolve("flat32.tif"), 20, 20, (x, y) -> 3.25f))) {
			float[] s = Preprocessing.scaled(read(f), 12, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
			assertEquals(144, s.length);
			for (float v : s) assertEquals(0f, v, 0f, f + ": constant image scales to 0, never NaN");
		}
	}

	@Test
	void notANumberBackgroundDoesNotBlankTheImage() throws Exception {
		// 32-bit images often mark "no data" with NaN (ImageJ's own convention).
		int w = 40;
		Path f = TestImages.float32Tiff(tmp.resolve("nan.tif"), w, w, (x, y) -> x < 10 ? Float.NaN : 0.01f * (x + 2 * y));
		ImagePlane p = read(f);
		assertTrue(Float.isNaN(p.pixels()[0]), "the file really holds NaN");
		float[] s = Preprocessing.scaled(p, w, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
		assertUnitRange(s);
		assertEquals(0f, s[0], 0f, "NaN pixels become 0");
		assertTrue(max(s) == 1f && DatasetLoaderTest.mean(s) > 0.2, "the finite pixels keep their contrast, mean " + DatasetLoaderTest.mean(s));
		float[] nan = new float[64];
		java.util.Arrays.fill(nan, Float.NaN);
		assertArrayEquals(new float[64], Preprocessing.scaled(new ImagePlane(8, 8, 1, nan, 32), 8, 0.5, 99.5), "all-NaN image gives zeros");
	}

	@Test
	void normaliseReplicatesGreyToThreeChannels() {
		int size = 8;
		int n = size * size;
		float[] grey = new float[n];
		for (int i = 0; i < n; i++) grey[i] = i / (float) (n - 1);
		float[] mean = {0.5f, 0.4f, 0.3f};
		float[] std = {0.2f, 0.25f, 0.5f};
		Preprocessing p = new Preprocessing(size, 3, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH, mean, std);
		float[] out = p.normalise(grey, 1);
		assertEquals(3 * n, out.length);
		for (int c = 0; c < 3; c++) {
			for (int i = 0; i < n; i++) {
				assertEquals((grey[i] - mean[c]) / std[c], out[c * n + i], 1e-6, "channel " + c + " pixel " + i);
			}
		}
	}

	@Test
	void normaliseTurnsColourIntoLuminance() {
		int size = 8;
		int n = size * size;
		float[] rgb = new float[3 * n];
		for (int i = 0; i < n; i++) {
			rgb[i] = (i % 3 == 0) ? 1f : 0f;
			rgb[n + i] = (i % 3 == 1) ? 1f : 0f;
			rgb[2 * n + i] = (i % 3 == 2) ? 1f : 0.5f * (i % 2);
		}
		Preprocessing p = new Preprocessing(size, 1, 0.5, 99.5, new float[] {0.1f}, new float[] {0.5f});
		float[] out = p.normalise(rgb, 3);
		assertEquals(n, out.length);
		for (int i = 0; i < n; i++) {
			double lum = 0.299 * rgb[i] + 0.587 * rgb[n + i] + 0.114 * rgb[2 * n + i];
			assertEquals((lum - 0.1) / 0.5, out[i], 1e-5, "pixel " + i);
		}
		// Pure red and pure green have different grey values, so this is not a channel average.
		assertEquals((0.299 - 0.1) / 0.5, out[0], 1e-5);
		assertEquals((0.587 - 0.1) / 0.5, out[4], 1e-5); // pixel 4: green only
	}

	@Test
	void normaliseKeepsMatchingChannels() throws Exception {
		Preprocessing p = new Preprocessing(16, 3, 0.5, 99.5, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD);
		ImagePlane rgb = read(TestImages.rgbPng(tmp.resolve("c.png"), 30, 20));
		float[] scaled = Preprocessing.scaled(rgb, 16, 0.5, 99.5);
		float[] out = p.normalise(scaled, 3);
		for (int c = 0; c < 3; c++) {
			for (int i = 0; i < 256; i++) {
				assertEquals((scaled[c * 256 + i] - Preprocessing.IMAGENET_MEAN[c]) / Preprocessing.IMAGENET_STD[c], out[c * 256 + i], 1e-5);
			}
		}
		assertArrayEquals(out, p.apply(rgb), 1e-6f, "apply = scaled + normalise");
	}

	@Test
	void jsonRoundTripKeepsEveryField() {
		Preprocessing p = new Preprocessing(96, 3, 1.5, 98.25, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
		String text = p.toJson().toString();
		JsonObject parsed = JsonParser.parseString(text).getAsJsonObject();
		Preprocessing q = Preprocessing.fromJson(parsed);
		assertEquals(96, q.size());
		assertEquals(3, q.channels());
		assertEquals(1.5, q.lowPercentile());
		assertEquals(98.25, q.highPercentile());
		assertArrayEquals(p.mean(), q.mean());
		assertArrayEquals(p.std(), q.std());

		Preprocessing grey = new Preprocessing(32, 1, 0.5, 99.5, new float[] {0.3141f}, new float[] {0.2718f});
		Preprocessing g = Preprocessing.fromJson(JsonParser.parseString(grey.toJson().toString()).getAsJsonObject());
		assertEquals(1, g.channels());
		assertArrayEquals(grey.mean(), g.mean());
		assertArrayEquals(grey.std(), g.std());
	}

	@Test
	void constructorRejectsInconsistentSettings() {
		float[] one = {0.5f};
		assertThrows(IllegalArgumentException.class, () -> new Preprocessing(4, 1, 0.5, 99.5, one, one), "size below 8");
		assertThrows(IllegalArgumentException.class, () -> new Preprocessing(32, 2, 0.5, 99.5, new float[2], new float[] {1, 1}));
		assertThrows(IllegalArgumentException.class, () -> new Preprocessing(32, 3, 0.5, 99.5, one, one), "mean per channel");
		assertThrows(IllegalArgumentException.class, () -> new Preprocessing(32, 1, 0.5, 99.5, one, new float[] {0f}), "std > 0");
	}

	/**
	 * Percentiles by selection equal, bit for bit, the interpolation between sorted values they
	 * replace (a zero's sign aside, which the scaling cannot see): images of ties (8-bit, constant, two
	 * values), signed zeros, one value, sorted and reversed runs, and random values, at the default
	 * percentiles and at edge-like ones.
	 */
	@Test
	void percentilesBySelectionEqualThoseOfASortBitForBit() {
		java.util.Random rng = new java.util.Random(23);
		List<float[]> cases = new java.util.ArrayList<>();
		cases.add(new float[] {5f});
		cases.add(new float[] {0f, -0f, 0f, -0f, 1f});
		cases.add(new float[4096]);
		for (int n : new int[] {2, 3, 17, 1000, 4096, 12288}) {
			float[] bytes = new float[n], gauss = new float[n], up = new float[n], down = new float[n], two = new float[n];
			for (int i = 0; i < n; i++) {
				bytes[i] = rng.nextInt(256);
				gauss[i] = (float) rng.nextGaussian() * 1000;
				up[i] = i / 3;
				down[i] = n - i;
				two[i] = rng.nextBoolean() ? -1f : 7f;
			}
			cases.addAll(List.of(bytes, gauss, up, down, two));
		}
		double[][] pairs = {{0.5, 99.5}, {0, 100}, {1, 99}, {50, 50}, {2.5, 97.5}, {0, 0}, {100, 100}};
		for (float[] values : cases) {
			float[] sorted = values.clone();
			java.util.Arrays.sort(sorted);
			for (double[] p : pairs) {
				float[] got = Preprocessing.percentiles(values.clone(), values.length, p[0], p[1]);
				String what = values.length + " values, percentiles " + p[0] + ", " + p[1];
				assertEquals(Preprocessing.percentile(sorted, p[0]) + 0f, got[0] + 0f, what);
				assertEquals(Preprocessing.percentile(sorted, p[1]) + 0f, got[1] + 0f, what);
			}
		}
	}
}
