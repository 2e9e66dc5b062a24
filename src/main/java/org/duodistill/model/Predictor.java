package org.duodistill.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/** Runs a model in evaluation mode (running statistics) and returns its logits or softmax probabilities. */
public final class Predictor {
	private Predictor() {}

	/**
	 * @param inputs normalised images, each [C*S*S]
	 * @return probabilities [inputs][classes]
	 */
	public static float[][] probabilities(DeviceWeights weights, List<float[]> inputs, int channels, int size, int batchSize) {
		return probabilities(weights, inputs, channels, size, batchSize, 1.0);
	}

	/** The logits of each input, [inputs][classes]. */
	public static float[][] logits(DeviceWeights weights, List<float[]> inputs, int channels, int size, int batchSize) {
		return run(weights, inputs, channels, size, batchSize, Double.NaN);
	}

	/** @param temperature the logits are divided by it before the softmax (calibration; 1: none) */
	public static float[][] probabilities(DeviceWeights weights, List<float[]> inputs, int channels, int size, int batchSize,
			double temperature) {
		return run(weights, inputs, channels, size, batchSize, temperature);
	}

	/** NaN temperature: the logits themselves. */
	private static float[][] run(DeviceWeights weights, List<float[]> inputs, int channels, int size, int batchSize, double temperature) {
		Engines.noGradientsOnThisThread();
		Network net = weights.spec().network();
		int k = weights.spec().numClasses();
		float[][] out = new float[inputs.size()][];
		int per = channels * size * size;
		for (int start = 0; start < inputs.size(); start += batchSize) {
			int n = Math.min(batchSize, inputs.size() - start);
			float[] data = new float[n * per];
			for (int i = 0; i < n; i++) System.arraycopy(inputs.get(start + i), 0, data, i * per, per);
			try (NDScope scope = new NDScope()) {
				NDArray x = weights.manager().create(data, new Shape(n, channels, size, size));
				NDArray z = net.forward(weights, x, false);
				if (!Double.isNaN(temperature)) z = (temperature == 1.0 ? z : z.div((float) temperature)).softmax(1);
				float[] p = z.toFloatArray();
				for (int i = 0; i < n; i++) {
					out[start + i] = java.util.Arrays.copyOfRange(p, i * k, (i + 1) * k);
				}
			}
		}
		return out;
	}
}
