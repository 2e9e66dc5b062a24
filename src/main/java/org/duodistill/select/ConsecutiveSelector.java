package org.duodistill.select;

/** A contiguous block of elements starting at the offset. */
record ConsecutiveSelector(int offset) implements ElementSelector {
	ConsecutiveSelector {
		if (offset < 0) throw new IllegalArgumentException("consecutive offset must be >= 0, got " + offset);
	}

	@Override
	public int[] indices(int t, int s) {
		ElementSelector.checkLengths(t, s);
		if (offset + s > t) {
			throw new IllegalArgumentException("consecutive(" + offset + ") runs past the end selecting " + s + " of " + t);
		}
		int[] idx = new int[s];
		for (int i = 0; i < s; i++) idx[i] = offset + i;
		return idx;
	}

	@Override
	public String describe() {
		return "consecutive(" + offset + ")";
	}
}
