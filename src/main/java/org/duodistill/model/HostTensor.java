package org.duodistill.model;

import java.util.Arrays;

/** A float32 tensor held in Java memory: the form weights take on disk and during weight selection. */
public final class HostTensor {
	private final long[] shape;
	private final float[] data;

	public HostTensor(long[] shape, float[] data) {
		long n = numel(shape);
		if (n != data.length) {
			throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
		}
		this.shape = shape.clone();
		this.data = data;
	}

	public static HostTensor zeros(long... shape) {
		return new HostTensor(shape, new float[Math.toIntExact(numel(shape))]);
	}

	/** Element count; an IllegalArgumentException for negative dimensions or a count beyond a long. */
	public static long numel(long[] shape) {
		long n = 1;
		for (long d : shape) {
			if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
			n = Math.multiplyExact(n, d);
		}
		return n;
	}

	public long[] shape() {
		return shape.clone();
	}

	public int rank() {
		return shape.length;
	}

	public long dim(int axis) {
		return shape[axis];
	}

	public float[] data() {
		return data;
	}

	public int size() {
		return data.length;
	}

	public HostTensor copy() {
		return new HostTensor(shape, data.clone());
	}

	public boolean sameShape(long[] other) {
		return Arrays.equals(shape, other);
	}

	@Override
	public String toString() {
		return "HostTensor" + Arrays.toString(shape);
	}
}
