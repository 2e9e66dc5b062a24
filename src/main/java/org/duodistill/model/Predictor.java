package org.duodistill.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/** Runs a model in evaluation mode (running statistics) and returns softmax probabilities. */
public final class Predictor {
	private Predictor() {}

	/**
	 * @param inputs normalised images, each [C*S*S]
	 * @return probabilities [inputs][classes]
	 */
	public static float[][] probabilities(DeviceWeights weights, List<float[]> inputs, int channels, int size, int batchSize) {
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
				float[] p = net.forward(weights, x, false).softmax(1).toFloatArray();
				for (int i = 0; i < n; i++) {
					out[start + i] = java.util.Arrays.copyOfRange(p, i * k, (i + 1) * k);
				}
			}
		}
		return out;
	}
}
