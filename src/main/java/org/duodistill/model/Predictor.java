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
		float[][] out = new float[inputs.size()][];
		run(weights, inputs, channels, size, batchSize, 1.0, out, null);
		return out;
	}

	/** @param temperature the logits are divided by it before the softmax (calibration; 1: none) */
	public static float[][] probabilities(DeviceWeights weights, List<float[]> inputs, int channels, int size, int batchSize,
			double temperature) {
		float[][] out = new float[inputs.size()][];
		run(weights, inputs, channels, size, batchSize, temperature, null, out);
		return out;
	}

	/** One forward pass, both outputs: the logits and the softmax of logits / temperature. */
	public record Outputs(float[][] logits, float[][] probabilities) {}

	/** Logits and probabilities from the same pass, so a caller needing both (evaluate's reliability diagram) runs the model once. */
	public static Outputs outputs(DeviceWeights weights, List<float[]> inputs, int channels, int size, int batchSize, double temperature) {
		if (Double.isNaN(temperature)) throw new IllegalArgumentException("temperature must be a number");
		float[][] logits = new float[inputs.size()][];
		float[][] probabilities = new float[inputs.size()][];
		run(weights, inputs, channels, size, batchSize, temperature, logits, probabilities);
		return new Outputs(logits, probabilities);
	}

	/** Fills {@code logits} and {@code probabilities} (softmax of logits / temperature), either of which may be null. */
	private static void run(DeviceWeights weights, List<float[]> inputs, int channels, int size, int batchSize, double temperature,
			float[][] logits, float[][] probabilities) {
		Engines.noGradientsOnThisThread();
		Network net = weights.spec().network();
		int k = weights.spec().numClasses();
		int per = channels * size * size;
		for (int start = 0; start < inputs.size(); start += batchSize) {
			int n = Math.min(batchSize, inputs.size() - start);
			float[] data = new float[n * per];
			for (int i = 0; i < n; i++) System.arraycopy(inputs.get(start + i), 0, data, i * per, per);
			try (NDScope scope = new NDScope()) {
				NDArray x = weights.manager().create(data, new Shape(n, channels, size, size));
				NDArray z = net.forward(weights, x, false);
				if (logits != null) rows(z.toFloatArray(), logits, start, n, k);
				if (probabilities != null) {
					rows((temperature == 1.0 ? z : z.div((float) temperature)).softmax(1).toFloatArray(), probabilities, start, n, k);
				}
			}
		}
	}

	private static void rows(float[] flat, float[][] out, int start, int n, int k) {
		for (int i = 0; i < n; i++) out[start + i] = java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k);
	}
}
