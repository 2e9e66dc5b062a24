package org.duodistill.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.duodistill.model.Architectures;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamWTest {
	@BeforeAll
	static void engine() {
		Engines.configure(2);
	}

	/** A NaN or infinite gradient must not survive the step: the engine adds the next gradient to it. */
	@Test
	void nonFiniteGradientsAreClearedAfterTheStep() {
		Engines.noGradientsOnThisThread();
		ModelSpec spec = Architectures.parse("resnet10-w4", 1, 2);
		try (NDManager root = Engines.engine().newBaseManager();
				DeviceWeights w = DeviceWeights.upload(spec, WeightInit.random(spec, 1), root, Device.cpu());
				AdamW opt = new AdamW(w, 0.05)) {
			w.requireGradients(true);
			try (NDManager scope = root.newSubManager()) {
				NDArray x = scope.randomNormal(new Shape(4, 1, 16, 16));
				try (GradientCollector gc = Engines.engine().newGradientCollector()) {
					NDArray logits = spec.network().forward(w, x, true);
					// NaN in the loss gives NaN gradients; an infinite factor gives inf (and NaN) too
					gc.backward(logits.sum().mul(Float.NaN).add(logits.get(0, 0).mul(Float.POSITIVE_INFINITY)));
				}
				NDArray g = w.get("fc.weight").getGradient();
				assertTrue(g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean(), "the test needs a non-finite gradient");
				opt.step(1e-3);
			}
			for (String name : w.names()) {
				if (spec.isStatistic(name)) continue;
				NDArray g = w.get(name).getGradient();
				assertEquals(0f, g.abs().sum().getFloat(), name + ": gradient cleared");
			}
		}
	}

	/** Three steps on a constant gradient against PyTorch's AdamW formula, decayed and undecayed tensors alike. */
	@Test
	void stepsFollowPyTorchsAdamW() {
		Engines.noGradientsOnThisThread();
		ModelSpec spec = Architectures.parse("resnet10-w4", 1, 2);
		double lr = 1e-2;
		double wd = 0.05;
		try (NDManager root = Engines.engine().newBaseManager();
				DeviceWeights w = DeviceWeights.upload(spec, WeightInit.random(spec, 1), root, Device.cpu());
				AdamW opt = new AdamW(w, wd)) {
			w.requireGradients(true);
			float[] weight0 = w.get("fc.weight").toFloatArray();
			float[] bias0 = w.get("fc.bias").toFloatArray();
			double[] cw = new double[weight0.length];
			double[] cb = new double[bias0.length];
			for (int i = 0; i < cw.length; i++) cw[i] = (i % 5) - 2.2;
			for (int i = 0; i < cb.length; i++) cb[i] = 0.7 - i;
			double[] ew = expected(weight0, cw, lr, wd, 3);
			double[] eb = expected(bias0, cb, lr, 0, 3);
			for (int s = 0; s < 3; s++) {
				try (NDManager scope = root.newSubManager()) {
					NDArray c1 = scope.create(toFloat(cw), w.get("fc.weight").getShape());
					NDArray c2 = scope.create(toFloat(cb), w.get("fc.bias").getShape());
					try (GradientCollector gc = Engines.engine().newGradientCollector()) {
						gc.backward(w.get("fc.weight").mul(c1).sum().add(w.get("fc.bias").mul(c2).sum()));
					}
					opt.step(lr);
				}
			}
			float[] gotW = w.get("fc.weight").toFloatArray();
			float[] gotB = w.get("fc.bias").toFloatArray();
			for (int i = 0; i < gotW.length; i++) assertEquals(ew[i], gotW[i], 1e-6 * Math.max(1, Math.abs(ew[i])), "fc.weight[" + i + "]");
			for (int i = 0; i < gotB.length; i++) assertEquals(eb[i], gotB[i], 1e-6 * Math.max(1, Math.abs(eb[i])), "fc.bias[" + i + "] (no decay)");
		}
	}

	/**
	 * timm fine-tunes a ViT without decaying its class token and position embeddings (3-D tensors):
	 * with a zero gradient only the decay moves a tensor, so they stay put while the patch kernel shrinks.
	 */
	@Test
	void vitTokensAndPositionsAreNotDecayed() {
		Engines.noGradientsOnThisThread();
		ModelSpec spec = Architectures.parse("vit-e16-d1-h2-p4-i16", 1, 2);
		double lr = 0.1;
		double wd = 0.5;
		try (NDManager root = Engines.engine().newBaseManager();
				DeviceWeights w = DeviceWeights.upload(spec, WeightInit.random(spec, 1), root, Device.cpu());
				AdamW opt = new AdamW(w, wd)) {
			w.requireGradients(true);
			java.util.Map<String, float[]> before = new java.util.HashMap<>();
			for (String n : w.names()) before.put(n, w.get(n).toFloatArray());
			try (NDManager scope = root.newSubManager()) {
				NDArray x = scope.randomNormal(new Shape(2, 1, 16, 16));
				try (GradientCollector gc = Engines.engine().newGradientCollector()) {
					gc.backward(spec.network().forward(w, x, true).sum().mul(0f));
				}
				opt.step(lr);
			}
			for (String n : new String[] {"cls_token", "pos_embed", "blocks.0.norm1.weight", "patch_embed.proj.bias"}) {
				assertTrue(java.util.Arrays.equals(before.get(n), w.get(n).toFloatArray()), n + " is not decayed");
			}
			float[] k0 = before.get("patch_embed.proj.weight");
			float[] k1 = w.get("patch_embed.proj.weight").toFloatArray();
			for (int i = 0; i < k0.length; i++) assertEquals(k0[i] * (1 - lr * wd), k1[i], 1e-6, "patch_embed.proj.weight[" + i + "] decays");
		}
	}

	/** torch.optim.AdamW (betas 0.9, 0.999, eps 1e-8) in double precision. */
	static double[] expected(float[] start, double[] grad, double lr, double wd, int steps) {
		double[] p = new double[start.length];
		double[] m = new double[start.length];
		double[] v = new double[start.length];
		for (int i = 0; i < p.length; i++) p[i] = start[i];
		for (int t = 1; t <= steps; t++) {
			double bc1 = 1 - Math.pow(0.9, t);
			double bc2 = 1 - Math.pow(0.999, t);
			for (int i = 0; i < p.length; i++) {
				p[i] *= 1 - lr * wd;
				m[i] = 0.9 * m[i] + 0.1 * grad[i];
				v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
				p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + 1e-8);
			}
		}
		return p;
	}

	static float[] toFloat(double[] d) {
		float[] f = new float[d.length];
		for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
		return f;
	}
}
