package org.duodistill.train;

import ai.djl.ndarray.NDScope;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.Sample;
import org.duodistill.model.BatchNormMode;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;
import org.duodistill.model.Network;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Gives a weight-selected model a head that fits its features before training starts: its
 * BatchNorm statistics are re-estimated on the training images, then a softmax regression is
 * fitted on the frozen pooled features (label smoothing 0.1, small L2). Weight selection leaves
 * the head random, and a random head makes the auxiliary teacher's first predictions noise; fitted,
 * the other half of the large model has something to teach from the first step.
 */
public final class HeadProbe {
	static final int MAX_IMAGES = 4096;
	static final int ITERATIONS = 200;
	static final double LEARNING_RATE = 0.05;
	static final double L2 = 1e-3;
	static final double SMOOTHING = 0.1;

	private HeadProbe() {}

	/** Re-estimates the statistics and replaces the head of {@code w} in place. */
	public static void fit(DeviceWeights w, List<Sample> train, Preprocessing prep, int numClasses, int batchSize, long seed) {
		BatchNormCalibration.recalibrate(w, train, prep, batchSize, MAX_IMAGES, seed);
		List<Sample> used = train.size() <= MAX_IMAGES ? train : sample(train, MAX_IMAGES, seed);
		float[][] f = features(w, used, prep, batchSize);
		int[] y = new int[used.size()];
		for (int i = 0; i < y.length; i++) y[i] = used.get(i).label();
		float[][] head = softmaxRegression(f, y, numClasses);
		Network net = w.spec().network();
		int dim = f[0].length;
		float[] weight = new float[numClasses * dim];
		for (int c = 0; c < numClasses; c++) System.arraycopy(head[c], 0, weight, c * dim, dim);
		w.get(net.headWeight()).set(weight);
		w.get(net.headBias()).set(head[numClasses]);
	}

	private static List<Sample> sample(List<Sample> s, int n, long seed) {
		List<Sample> copy = new ArrayList<>(s);
		java.util.Collections.shuffle(copy, new Random(seed));
		return copy.subList(0, n);
	}

	private static float[][] features(DeviceWeights w, List<Sample> samples, Preprocessing prep, int batchSize) {
		Engines.noGradientsOnThisThread();
		float[][] out = new float[samples.size()][];
		int b = Math.max(16, batchSize);
		for (int start = 0; start < samples.size(); start += b) {
			int n = Math.min(b, samples.size() - start);
			int[] idx = new int[n];
			for (int i = 0; i < n; i++) idx[i] = start + i;
			try (NDScope scope = new NDScope()) {
				var x = Batches.images(w.manager(), w.manager().getDevice(), samples, idx, prep, null, null);
				var feat = w.spec().network().features(w, x, BatchNormMode.EVAL).reshape(n, -1);
				int dim = (int) feat.getShape().get(1);
				float[] flat = feat.toFloatArray();
				for (int i = 0; i < n; i++) out[start + i] = java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
			}
		}
		return out;
	}

	/**
	 * Full-batch Adam on standardised features, folded back into raw-feature weights so the
	 * network's own head can use them. Returns rows 0..K-1: weights [K][F]; row K: bias [K].
	 */
	static float[][] softmaxRegression(float[][] x, int[] y, int k) {
		int n = x.length;
		int d = x[0].length;
		double[] mean = new double[d];
		double[] sd = new double[d];
		for (float[] r : x) for (int j = 0; j < d; j++) mean[j] += r[j];
		for (int j = 0; j < d; j++) mean[j] /= n;
		for (float[] r : x) for (int j = 0; j < d; j++) sd[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
		for (int j = 0; j < d; j++) sd[j] = Math.max(1e-6, Math.sqrt(sd[j] / n));
		double[][] z = new double[n][d];
		for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) z[i][j] = (x[i][j] - mean[j]) / sd[j];
		double[][] wt = new double[k][d + 1]; // last column: bias
		double[][] m1 = new double[k][d + 1];
		double[][] m2 = new double[k][d + 1];
		double[] logits = new double[k];
		for (int it = 1; it <= ITERATIONS; it++) {
			double[][] g = new double[k][d + 1];
			for (int i = 0; i < n; i++) {
				double max = Double.NEGATIVE_INFINITY;
				for (int c = 0; c < k; c++) {
					double s = wt[c][d];
					for (int j = 0; j < d; j++) s += wt[c][j] * z[i][j];
					logits[c] = s;
					max = Math.max(max, s);
				}
				double sum = 0;
				for (int c = 0; c < k; c++) sum += (logits[c] = Math.exp(logits[c] - max));
				for (int c = 0; c < k; c++) {
					double target = SMOOTHING / k + (c == y[i] ? 1 - SMOOTHING : 0);
					double r = (logits[c] / sum - target) / n;
					for (int j = 0; j < d; j++) g[c][j] += r * z[i][j];
					g[c][d] += r;
				}
			}
			double bc1 = 1 - Math.pow(0.9, it);
			double bc2 = 1 - Math.pow(0.999, it);
			for (int c = 0; c < k; c++) {
				for (int j = 0; j <= d; j++) {
					double gj = g[c][j] + (j < d ? L2 * wt[c][j] : 0);
					m1[c][j] = 0.9 * m1[c][j] + 0.1 * gj;
					m2[c][j] = 0.999 * m2[c][j] + 0.001 * gj * gj;
					wt[c][j] -= LEARNING_RATE * (m1[c][j] / bc1) / (Math.sqrt(m2[c][j] / bc2) + 1e-8);
				}
			}
		}
		float[][] out = new float[k + 1][];
		out[k] = new float[k];
		for (int c = 0; c < k; c++) {
			out[c] = new float[d];
			double bias = wt[c][d];
			for (int j = 0; j < d; j++) {
				out[c][j] = (float) (wt[c][j] / sd[j]);
				bias -= wt[c][j] * mean[j] / sd[j];
			}
			out[k][c] = (float) bias;
		}
		return out;
	}
}
