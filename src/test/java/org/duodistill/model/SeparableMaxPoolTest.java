package org.duodistill.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two-pass stem pool against libtorch's max_pool2d(3, 2, 1): the same values, bit for bit. */
class SeparableMaxPoolTest {
	@BeforeAll
	static void engine() {
		Engines.configure(2);
	}

	private static NDArray reference(NDArray x) {
		return Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
	}

	@Test
	void equalsLibtorchsPoolOnEvenOddAndTinyPlanes() {
		long[][] shapes = {{3, 4, 32, 32}, {2, 3, 33, 31}, {1, 2, 2, 3}, {1, 1, 5, 2}, {2, 1, 3, 3}, {1, 2, 1, 7}, {1, 1, 7, 1}};
		try (NDManager m = Engines.engine().newBaseManager(Device.cpu())) {
			m.getEngine().setRandomSeed(7);
			for (long[] s : shapes) {
				NDArray x = m.randomNormal(new Shape(s));
				// ties, negative windows and a window of equal values: what a CT's flat background gives a convolution
				NDArray tied = x.mul(2).round().div(2);
				for (NDArray in : new NDArray[] {x, tied, x.neg().sub(3), m.ones(new Shape(s))}) {
					NDArray expected = reference(in);
					NDArray got = SeparableMaxPool.pool3x3Stride2(in);
					assertEquals(expected.getShape(), got.getShape(), "shape for " + in.getShape());
					assertArrayEquals(expected.toFloatArray(), got.toFloatArray(), 0f, "values for " + in.getShape());
				}
			}
		}
	}

	/** d sum(pool(2 x)) / dx under a gradient collector. */
	private static float[] gradientThrough(java.util.function.UnaryOperator<NDArray> pool, NDArray x) {
		try (GradientCollector gc = Engines.engine().newGradientCollector()) {
			NDArray a = x.duplicate();
			a.setRequiresGradient(true);
			gc.backward(pool.apply(a.mul(2)).sum());
			return a.getGradient().toFloatArray();
		}
	}

	@Test
	void underAutogradThePoolsGradientIsKept() {
		Engines.noGradientsOnThisThread();
		try (NDManager m = Engines.engine().newBaseManager(Device.cpu())) {
			// windows of equal maxima: the pool gives the whole gradient to one of them, a maximum would split it
			NDArray x = m.ones(new Shape(1, 1, 4, 4));
			float[] expected = gradientThrough(SeparableMaxPoolTest::reference, x);
			// pooled as the network pools: an operation's result, not the leaf itself
			float[] got = gradientThrough(SeparableMaxPool::pool3x3Stride2, x);
			assertArrayEquals(expected, got, 0f);
			float total = 0;
			for (float g : got) total += g;
			assertEquals(8f, total, 0f, "two units of gradient per output");
		}
	}

	@Test
	void aResNetsLogitsAreTheSameWithEitherPool() throws Exception {
		Engines.noGradientsOnThisThread();
		ModelSpec spec = Architectures.parse("resnet10-w32", 1, 3).withImageSize(32);
		try (NDManager m = Engines.engine().newBaseManager(Device.cpu());
				DeviceWeights w = DeviceWeights.upload(spec, WeightInit.random(spec, 1), m, Device.cpu())) {
			NDArray x = m.randomNormal(new Shape(2, 1, 32, 32));
			assertFalse(SeparableMaxPool.recording(), "inference: the two passes");
			float[] twoPasses = spec.network().forward(w, x, BatchNormMode.EVAL).toFloatArray();
			float[] libtorch;
			try (GradientCollector gc = Engines.engine().newGradientCollector()) {
				assertTrue(SeparableMaxPool.recording(), "training and saliency: libtorch's pool");
				libtorch = spec.network().forward(w, x, BatchNormMode.EVAL).toFloatArray();
			}
			assertArrayEquals(libtorch, twoPasses, 0f);
		}
	}
}
