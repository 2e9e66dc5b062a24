package org.duodistill.select;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A sorted random subset. The generator is seeded from (seed, T, S) only, so that every axis of the
 * same lengths gets the same subset, which keeps residual channels aligned across layers.
 */
record RandomSelector(long seed) implements ElementSelector {
	@Override
	public int[] indices(int t, int s) {
		ElementSelector.checkLengths(t, s);
		SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + t * 65_537L + s);
		int[] all = new int[t];
		for (int i = 0; i < t; i++) all[i] = i;
		for (int i = 0; i < s; i++) {
			int j = i + rng.nextInt(t - i);
			int tmp = all[i];
			all[i] = all[j];
			all[j] = tmp;
		}
		int[] idx = Arrays.copyOf(all, s);
		Arrays.sort(idx);
		return idx;
	}

	@Override
	public String describe() {
		return "random(" + seed + ")";
	}
}
