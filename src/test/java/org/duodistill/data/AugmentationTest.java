package org.duodistill.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training-time augmentation on cached [C, S, S] arrays. */
class AugmentationTest {
	static final int SIZE = 32;
	/** A committed sample, read and scaled the way the loader caches it. */
	static float[] grey;
	/** A real RGB PNG, three channels. */
	static float[] colour;

	@BeforeAll
	static void load(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
		ImagePlane g = ImageReaders.standard().read(TestImages.sample("axial", 50)).get(0);
		grey = Preprocessing.scaled(g, SIZE, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
		ImagePlane c = ImageReaders.standard().read(TestImages.rgbPng(tmp.resolve("c.png"), 40, 40)).get(0);
		assertEquals(3, c.channels());
		colour = Preprocessing.scaled(c, SIZE, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
	}

	static void assertUnitRange(float[] a) {
		for (float v : a) assertTrue(v >= 0f && v <= 1f && !Float.isNaN(v), "value " + v + " outside [0,1]");
	}

	static double maxAbsDiff(float[] a, float[] b) {
		double m = 0;
		for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
		return m;
	}

	@Test
	void keepsShapeAndRangeForGreyAndColour() {
		for (boolean flip : new boolean[] {false, true}) {
			Augmentation aug = Augmentation.defaults(flip);
			Random rng = new Random(1);
			for (int i = 0; i < 20; i++) {
				float[] g = aug.apply(grey, 1, SIZE, rng);
				assertEquals(grey.length, g.length);
				assertUnitRange(g);
				float[] c = aug.apply(colour, 3, SIZE, rng);
				assertEquals(3 * SIZE * SIZE, c.length);
				assertUnitRange(c);
			}
		}
	}

	@Test
	void deterministicForASeedAndDifferentFromTheInput() {
		Augmentation aug = Augmentation.defaults(true);
		float[] a = aug.apply(grey, 1, SIZE, new Random(123));
		float[] b = aug.apply(grey, 1, SIZE, new Random(123));
		float[] c = aug.apply(grey, 1, SIZE, new Random(124));
		assertArrayEquals(a, b, "same seed, same augmentation");
		assertTrue(maxAbsDiff(a, c) > 0.01, "another seed, another augmentation");
		assertTrue(maxAbsDiff(a, grey) > 0.05, "the augmentation changes the image");
		assertFalse(maxAbsDiff(aug.apply(colour, 3, SIZE, new Random(5)), colour) < 0.05, "colour changes too");
	}

	@Test
	void noneIsTheIdentity() {
		float[] out = Augmentation.none().apply(grey, 1, SIZE, new Random(9));
		assertArrayEquals(grey, out, 1e-5f);
	}

	/** Left half 0.9, right half 0.1. */
	static float[] brightLeft() {
		float[] img = new float[SIZE * SIZE];
		for (int y = 0; y < SIZE; y++) for (int x = 0; x < SIZE; x++) img[y * SIZE + x] = x < SIZE / 2 ? 0.9f : 0.1f;
		return img;
	}

	/** Mean of the left half minus mean of the right half. */
	static double leftMinusRight(float[] img) {
		double l = 0;
		double r = 0;
		for (int y = 0; y < SIZE; y++) {
			for (int x = 0; x < SIZE; x++) {
				if (x < SIZE / 2) l += img[y * SIZE + x];
				else r += img[y * SIZE + x];
			}
		}
		return (l - r) / (SIZE * SIZE / 2.0);
	}

	@Test
	void neverFlipsWhenHorizontalFlipIsOff() {
		float[] img = brightLeft();
		Augmentation aug = Augmentation.defaults(false);
		for (long seed = 0; seed < 50; seed++) {
			float[] out = aug.apply(img, 1, SIZE, new Random(seed));
			assertTrue(leftMinusRight(out) > 0.3, "seed " + seed + ": left/right swapped (" + leftMinusRight(out) + ")");
		}
	}

	@Test
	void flipsSometimesWhenHorizontalFlipIsOn() {
		// The control for the test above: the left-right measure does see a flip.
		float[] img = brightLeft();
		Augmentation aug = Augmentation.defaults(true);
		int flipped = 0;
		for (long seed = 0; seed < 50; seed++) {
			double d = leftMinusRight(aug.apply(img, 1, SIZE, new Random(seed)));
			assertTrue(Math.abs(d) > 0.3, "seed " + seed + ": " + d);
			if (d < 0) flipped++;
		}
		assertTrue(flipped >= 10 && flipped <= 40, flipped + " of 50 flipped");
	}
}
