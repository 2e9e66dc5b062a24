package org.duodistill.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResumableRandomTest {
	@Test
	void givesJavasSequenceAndContinuesExactlyFromASavedState() {
		Random java = new Random(12345);
		ResumableRandom ours = new ResumableRandom(12345);
		for (int i = 0; i < 1000; i++) {
			assertEquals(java.nextInt(97), ours.nextInt(97));
			assertEquals(java.nextDouble(), ours.nextDouble());
			assertEquals(java.nextGaussian(), ours.nextGaussian());
			assertEquals(java.nextFloat(), ours.nextFloat());
		}
		ours.nextGaussian(); // leaves a cached second Gaussian in the state
		long[] saved = ours.saveState();
		double[] expected = {ours.nextGaussian(), ours.nextDouble(), ours.nextGaussian()};
		ResumableRandom resumed = new ResumableRandom(1);
		resumed.restoreState(saved);
		assertEquals(expected[0], resumed.nextGaussian());
		assertEquals(expected[1], resumed.nextDouble());
		assertEquals(expected[2], resumed.nextGaussian());
	}
}
