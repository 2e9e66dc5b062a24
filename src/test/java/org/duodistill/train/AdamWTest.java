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
}
