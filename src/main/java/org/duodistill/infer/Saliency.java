package org.duodistill.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.duodistill.model.BatchNormMode;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Attribution maps at the network's input resolution: how much each pixel moves one class's
 * logit, the model in evaluation mode (running statistics). Raw maps, one value per pixel (the
 * channels' absolute attributions summed), not yet smoothed or scaled: see {@link SaliencyMaps}.
 */
public final class Saliency {
	/** Noisy copies per image for SmoothGrad and path steps for Integrated Gradients (both papers find 10-50 enough). */
	public static final int SAMPLES = 16;
	/** SmoothGrad's noise, as a fraction of the image's value range (the paper's 10-20%). */
	static final double NOISE_FRACTION = 0.15;

	private Saliency() {}

	/**
	 * @param input one normalised image [C*S*S]
	 * @param black the normalised value of a black pixel per channel (Integrated Gradients' baseline)
	 * @return [S*S]
	 */
	public static float[] map(DeviceWeights weights, float[] input, int channels, int size, int classIndex, ExplanationMethod method,
			float[] black, long seed) {
		if (method == ExplanationMethod.OCCLUSION) return occlusion(weights, input, channels, size, classIndex);
		int per = channels * size * size;
		float[][] batch;
		switch (method) {
			case GRADIENT, GRAD_X_INPUT -> batch = new float[][] {input};
			case SMOOTHGRAD -> {
				float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
				for (float v : input) {
					lo = Math.min(lo, v);
					hi = Math.max(hi, v);
				}
				double sigma = NOISE_FRACTION * Math.max(1e-6, hi - lo);
				Random r = new Random(seed);
				batch = new float[SAMPLES][per];
				for (int s = 0; s < SAMPLES; s++) {
					for (int i = 0; i < per; i++) batch[s][i] = (float) (input[i] + sigma * r.nextGaussian());
				}
			}
			case INTEGRATED_GRADIENTS -> {
				batch = new float[SAMPLES][per];
				int plane = size * size;
				for (int s = 0; s < SAMPLES; s++) {
					float alpha = (s + 0.5f) / SAMPLES; // midpoint rule
					for (int i = 0; i < per; i++) {
						float b = black[i / plane];
						batch[s][i] = b + alpha * (input[i] - b);
					}
				}
			}
			default -> throw new IllegalStateException(method.toString());
		}
		float[] grad = meanGradient(weights, batch, channels, size, classIndex);
		float[] out = new float[size * size];
		int plane = size * size;
		for (int i = 0; i < per; i++) {
			float g = grad[i];
			float a = switch (method) {
				case GRADIENT, SMOOTHGRAD -> g;
				case GRAD_X_INPUT -> g * input[i];
				case INTEGRATED_GRADIENTS -> g * (input[i] - black[i / plane]);
				default -> throw new IllegalStateException(method.toString());
			};
			out[i % plane] += Math.abs(a);
		}
		return out;
	}

	/**
	 * The class logit's drop when a square patch (1/8 of the width) is set to the training mean (0
	 * after normalisation), spread over the patch's pixels; rises count 0. The patch moves by a quarter
	 * of its side up to 64 px inputs (29 x 29 positions: on bar images 0.9 of the peaks on the bar
	 * against 0.8 with half-side steps) and by half its side above, where each forward pass costs more.
	 */
	static float[] occlusion(DeviceWeights weights, float[] input, int channels, int size, int classIndex) {
		int patch = Math.max(2, size / 8), stride = Math.max(1, size <= 64 ? patch / 4 : patch / 2);
		List<int[]> corners = new ArrayList<>();
		for (int y = 0; y + patch <= size + stride - 1; y += stride) {
			for (int x = 0; x + patch <= size + stride - 1; x += stride) corners.add(new int[] {Math.min(x, size - patch), Math.min(y, size - patch)});
		}
		List<float[]> occluded = new ArrayList<>(corners.size() + 1);
		occluded.add(input);
		int plane = size * size;
		for (int[] c : corners) {
			float[] o = input.clone();
			for (int ch = 0; ch < channels; ch++) {
				for (int y = c[1]; y < c[1] + patch; y++) java.util.Arrays.fill(o, ch * plane + y * size + c[0], ch * plane + y * size + c[0] + patch, 0f);
			}
			occluded.add(o);
		}
		float[][] logits = org.duodistill.model.Predictor.logits(weights, occluded, channels, size, 64);
		float[] sum = new float[plane];
		float[] count = new float[plane];
		for (int i = 0; i < corners.size(); i++) {
			float drop = Math.max(0f, logits[0][classIndex] - logits[i + 1][classIndex]);
			int[] c = corners.get(i);
			for (int y = c[1]; y < c[1] + patch; y++) {
				for (int x = c[0]; x < c[0] + patch; x++) {
					sum[y * size + x] += drop;
					count[y * size + x]++;
				}
			}
		}
		for (int i = 0; i < plane; i++) sum[i] = count[i] > 0 ? sum[i] / count[i] : 0f;
		return sum;
	}

	/** d logit[classIndex] / d input, averaged over the batch's images. */
	private static float[] meanGradient(DeviceWeights weights, float[][] batch, int channels, int size, int classIndex) {
		int per = channels * size * size;
		int n = batch.length;
		float[] data = new float[n * per];
		for (int i = 0; i < n; i++) System.arraycopy(batch[i], 0, data, i * per, per);
		NDManager m = weights.manager();
		try (NDScope scope = new NDScope(); GradientCollector gc = Engines.engine().newGradientCollector()) {
			NDArray x = m.create(data, new Shape(n, channels, size, size));
			x.setRequiresGradient(true);
			NDArray logits = weights.spec().network().forward(weights, x, BatchNormMode.EVAL);
			gc.backward(logits.get(":, " + classIndex).sum());
			float[] g = x.getGradient().toFloatArray();
			float[] mean = new float[per];
			for (int i = 0; i < n; i++) {
				for (int j = 0; j < per; j++) mean[j] += g[i * per + j] / n;
			}
			return mean;
		}
	}
}
