package org.duodistill.train;

import java.util.Random;

/**
 * {@link java.util.Random}'s generator (same linear congruential sequence and Gaussian method, so
 * the same numbers for the same seed) with its state readable and restorable, so that a resumed
 * training augments exactly as the uninterrupted one would have.
 */
final class ResumableRandom extends Random {
	private static final long serialVersionUID = 1L;
	private static final long MULTIPLIER = 0x5DEECE66DL;
	private static final long MASK = (1L << 48) - 1;

	private long state;
	private boolean haveNextGaussian;
	private double nextGaussian;

	ResumableRandom(long seed) {
		super(0);
		state = (seed ^ MULTIPLIER) & MASK;
	}

	@Override
	protected int next(int bits) {
		state = (state * MULTIPLIER + 0xBL) & MASK;
		return (int) (state >>> (48 - bits));
	}

	@Override
	public synchronized double nextGaussian() {
		if (haveNextGaussian) {
			haveNextGaussian = false;
			return nextGaussian;
		}
		double v1, v2, s;
		do {
			v1 = 2 * nextDouble() - 1;
			v2 = 2 * nextDouble() - 1;
			s = v1 * v1 + v2 * v2;
		} while (s >= 1 || s == 0);
		double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
		nextGaussian = v2 * multiplier;
		haveNextGaussian = true;
		return v1 * multiplier;
	}

	@Override
	public synchronized void setSeed(long seed) {
		// called once by Random's constructor, before our fields exist; the constructor sets the state
		state = (seed ^ MULTIPLIER) & MASK;
		haveNextGaussian = false;
	}

	/** {state, haveNextGaussian (0/1), Double.doubleToLongBits(nextGaussian)}. */
	synchronized long[] saveState() {
		return new long[] {state, haveNextGaussian ? 1 : 0, Double.doubleToRawLongBits(nextGaussian)};
	}

	synchronized void restoreState(long[] s) {
		state = s[0];
		haveNextGaussian = s[1] != 0;
		nextGaussian = Double.longBitsToDouble(s[2]);
	}
}
