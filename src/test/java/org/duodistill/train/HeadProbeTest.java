package org.duodistill.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadProbeTest {
	/** Features on very different scales and offsets (as pooled ReLU features are): the fitted head separates the classes. */
	@Test
	void softmaxRegressionFitsSeparableFeaturesOnAnyScale() {
		Random r = new Random(5);
		int n = 300;
		int d = 12;
		int k = 3;
		float[][] x = new float[n][d];
		int[] y = new int[n];
		for (int i = 0; i < n; i++) {
			y[i] = i % k;
			for (int j = 0; j < d; j++) {
				double signal = j < k && j == y[i] ? 1.5 : 0;
				x[i][j] = (float) ((r.nextGaussian() * 0.5 + signal) * (j + 1) * 10 + 100 * j);
			}
		}
		float[][] head = HeadProbe.softmaxRegression(x, y, k);
		int correct = 0;
		for (int i = 0; i < n; i++) {
			int best = 0;
			double bestScore = Double.NEGATIVE_INFINITY;
			for (int c = 0; c < k; c++) {
				double s = head[k][c];
				for (int j = 0; j < d; j++) s += head[c][j] * x[i][j];
				if (s > bestScore) {
					bestScore = s;
					best = c;
				}
			}
			if (best == y[i]) correct++;
		}
		assertTrue(correct > 0.9 * n, correct + " of " + n);
	}
}
