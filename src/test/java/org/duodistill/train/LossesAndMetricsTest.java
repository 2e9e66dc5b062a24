package org.duodistill.train;

import org.duodistill.infer.Metrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.duodistill.model.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossesAndMetricsTest {
	@BeforeAll
	static void engine() {
		Engines.configure(2);
	}

	@Test
	void crossEntropyWithLabelSmoothingMatchesTheFormula() {
		float[] z = {2f, 0.5f, -1f, 0f, 1f, 3f};
		int[] y = {0, 2};
		double eps = 0.1;
		double expected = 0;
		for (int i = 0; i < 2; i++) {
			double lse = 0;
			for (int c = 0; c < 3; c++) lse += Math.exp(z[i * 3 + c]);
			lse = Math.log(lse);
			for (int c = 0; c < 3; c++) {
				double q = eps / 3 + (c == y[i] ? 1 - eps : 0);
				expected -= q * (z[i * 3 + c] - lse);
			}
		}
		expected /= 2;
		try (NDManager m = Engines.engine().newBaseManager()) {
			NDArray logits = m.create(z, new Shape(2, 3));
			assertEquals(expected, Losses.crossEntropy(logits, y, eps).getFloat(), 1e-5);
		}
	}

	@Test
	void distillationIsTauSquaredKlAndZeroForIdenticalLogits() {
		float[] zs = {1f, 0f, -1f};
		float[] zt = {0f, 2f, 0.5f};
		double tau = 4;
		double[] ps = softmax(zs, tau);
		double[] pt = softmax(zt, tau);
		double kl = 0;
		for (int c = 0; c < 3; c++) kl += pt[c] * Math.log(pt[c] / ps[c]);
		try (NDManager m = Engines.engine().newBaseManager()) {
			NDArray s = m.create(zs, new Shape(1, 3));
			NDArray t = m.create(zt, new Shape(1, 3));
			assertEquals(tau * tau * kl, Losses.distillation(s, t, tau).getFloat(), 1e-5);
			assertEquals(0, Losses.distillation(s, s, tau).getFloat(), 1e-6);
		}
	}

	private static double[] softmax(float[] z, double tau) {
		double sum = 0;
		double[] p = new double[z.length];
		for (int i = 0; i < z.length; i++) sum += p[i] = Math.exp(z[i] / tau);
		for (int i = 0; i < z.length; i++) p[i] /= sum;
		return p;
	}

	@Test
	void metricsFromAKnownConfusionMatrix() {
		// true: 0,0,0,1,1,2 ; predicted: 0,0,1,1,2,2
		float[][] p = {{.8f, .1f, .1f}, {.6f, .3f, .1f}, {.3f, .6f, .1f}, {.1f, .8f, .1f}, {.1f, .2f, .7f}, {.1f, .1f, .8f}};
		int[] y = {0, 0, 0, 1, 1, 2};
		Metrics m = Metrics.compute(p, y, 3);
		assertEquals(4 / 6.0, m.accuracy(), 1e-12);
		assertArrayEquals(new int[][] {{2, 1, 0}, {0, 1, 1}, {0, 0, 1}}, m.confusion());
		assertEquals((2 / 3.0 + 1 / 2.0 + 1) / 3, m.balancedAccuracy(), 1e-12);
		double f0 = 2.0 * 2 / (2 * 2 + 0 + 1);
		double f1 = 2.0 * 1 / (2 * 1 + 1 + 1);
		double f2 = 2.0 * 1 / (2 * 1 + 1 + 0);
		assertEquals((f0 + f1 + f2) / 3, m.macroF1(), 1e-12);
		assertEquals(1.0, m.specificity()[0], 1e-12);
		assertEquals(4 / 5.0, m.specificity()[2], 1e-12);
		// Class 0 scores: positives .8,.6,.3 vs negatives .1,.1,.1 -> AUC 1.
		assertEquals(1.0, Metrics.binaryAuc(p, y, 0), 1e-12);
		// Class 1 scores: positives .8,.2 ; negatives .1,.3,.6,.1 -> pairs won: .8 beats 4, .2 beats 2 -> 6/8.
		assertEquals(6 / 8.0, Metrics.binaryAuc(p, y, 1), 1e-12);
		Map<String, Double> rows = m.asRows(List.of("a", "b", "c"));
		assertEquals(List.of("accuracy", "balanced_accuracy", "macro_f1", "macro_auc", "n"), List.copyOf(rows.keySet()).subList(0, 5));
		assertEquals(6.0, rows.get("n"));
		assertEquals(1.0, rows.get("confusion_a_as_b"));
	}

	@Test
	void aucCountsTiesAsHalf() {
		float[][] p = {{.5f, .5f}, {.5f, .5f}, {.9f, .1f}, {.2f, .8f}};
		int[] y = {0, 1, 0, 1};
		// Class 0: positives .5,.9 ; negatives .5,.2 -> (.5 vs .5 tie = .5) + 1 + 1 + 1 = 3.5 / 4
		assertEquals(3.5 / 4, Metrics.binaryAuc(p, y, 0), 1e-12);
		assertTrue(Double.isNaN(Metrics.binaryAuc(p, new int[] {0, 0, 0, 0}, 0)), "no negatives: undefined");
	}

	@Test
	void cosineScheduleWarmsUpThenDecaysToZero() {
		CosineSchedule s = new CosineSchedule(1.0, 10, 110);
		assertEquals(0.1, s.at(0), 1e-12);
		assertEquals(1.0, s.at(9), 1e-12);
		assertEquals(1.0, s.at(10), 1e-12);
		assertEquals(0.5, s.at(60), 1e-12);
		assertEquals(0.0, s.at(110), 1e-12);
	}

	@Test
	void batchesCoverEverySampleOnceAndNeverLeaveASingleton() {
		List<int[]> b = Batches.epoch(33, 8, new java.util.Random(1));
		int total = 0;
		java.util.Set<Integer> seen = new java.util.HashSet<>();
		for (int[] x : b) {
			assertTrue(x.length >= 2);
			total += x.length;
			for (int i : x) seen.add(i);
		}
		assertEquals(33, total);
		assertEquals(33, seen.size());
	}
}
