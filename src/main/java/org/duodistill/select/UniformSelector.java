package org.duodistill.select;

/**
 * Evenly spaced elements. When the teacher length is a multiple of the student length the step is
 * exact and the offset picks one of the interleaved subsets (uniform(0) and uniform(1) are then
 * disjoint); otherwise index i is round(i * (T-1) / (S-1)) + offset, capped at T - S + i so that every
 * index stays in range and the indices stay strictly increasing (the ends cannot move, the rest do).
 */
record UniformSelector(int offset) implements ElementSelector {
	UniformSelector {
		if (offset < 0) throw new IllegalArgumentException("uniform offset must be >= 0, got " + offset);
	}

	@Override
	public int[] indices(int t, int s) {
		ElementSelector.checkLengths(t, s);
		int[] idx = new int[s];
		if (t % s == 0) {
			int step = t / s;
			if (offset >= step) {
				throw new IllegalArgumentException("uniform(" + offset + ") needs offset < " + step + " to select " + s + " of " + t);
			}
			for (int i = 0; i < s; i++) idx[i] = offset + i * step;
			return idx;
		}
		for (int i = 0; i < s; i++) {
			idx[i] = s == 1 ? 0 : (int) Math.floor((double) i * (t - 1) / (s - 1) + 0.5);
		}
		for (int i = 0; i < s; i++) idx[i] = Math.min(idx[i] + offset, t - s + i);
		return idx;
	}

	@Override
	public String describe() {
		return "uniform(" + offset + ")";
	}
}
