package org.duodistill.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.duodistill.data.Augmentation;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.Sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Turns cached samples into shuffled mini-batches on the device. */
public final class Batches {
	private Batches() {}

	/**
	 * Shuffled index batches; a trailing batch of one is merged into the previous one, because
	 * BatchNorm cannot normalise a single sample in training mode.
	 */
	public static List<int[]> epoch(int n, int batchSize, Random rng) {
		int[] order = new int[n];
		for (int i = 0; i < n; i++) order[i] = i;
		for (int i = n - 1; i > 0; i--) {
			int j = rng.nextInt(i + 1);
			int t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		List<int[]> out = new ArrayList<>();
		for (int start = 0; start < n; start += batchSize) {
			int end = Math.min(n, start + batchSize);
			if (end - start == 1 && !out.isEmpty()) {
				int[] prev = out.remove(out.size() - 1);
				int[] merged = java.util.Arrays.copyOf(prev, prev.length + 1);
				merged[prev.length] = order[start];
				out.add(merged);
			} else {
				out.add(java.util.Arrays.copyOfRange(order, start, end));
			}
		}
		return out;
	}

	/** Normalised (and, when {@code aug} is given, augmented) images [N, C, S, S]. */
	public static NDArray images(NDManager manager, Device device, List<Sample> samples, int[] idx, Preprocessing prep,
			Augmentation aug, Random rng) {
		return upload(manager, device, host(samples, idx, prep, aug, rng), idx.length, prep);
	}

	/** The batch's pixels, augmented and normalised, on the Java heap: the part that can run on another thread. */
	public static float[] host(List<Sample> samples, int[] idx, Preprocessing prep, Augmentation aug, Random rng) {
		int s = prep.size();
		int c = prep.channels();
		float[] data = new float[idx.length * c * s * s];
		for (int i = 0; i < idx.length; i++) {
			Sample x = samples.get(idx[i]);
			float[] img = aug == null ? x.scaled() : aug.apply(x.scaled(), x.channels(), s, rng);
			System.arraycopy(prep.normalise(img, x.channels()), 0, data, i * c * s * s, c * s * s);
		}
		return data;
	}

	public static NDArray upload(NDManager manager, Device device, float[] data, int n, Preprocessing prep) {
		return manager.create(data, new Shape(n, prep.channels(), prep.size(), prep.size())).toDevice(device, false);
	}

	public static int[] labels(List<Sample> samples, int[] idx) {
		int[] y = new int[idx.length];
		for (int i = 0; i < idx.length; i++) y[i] = samples.get(idx[i]).label();
		return y;
	}
}
