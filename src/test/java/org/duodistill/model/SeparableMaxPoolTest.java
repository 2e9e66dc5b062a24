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

	@Test
	void aTensorThatNeedsGradientsKeepsThePoolsGradient() {
		try (NDManager m = Engines.engine().newBaseManager(Device.cpu())) {
			// a window of four equal maxima: the pool gives the whole gradient to one of them, a maximum would split it
			NDArray x = m.ones(new Shape(1, 1, 4, 4));
			float[] expected, got;
			try (GradientCollector gc = Engines.engine().newGradientCollector()) {
				NDArray a = x.duplicate();
				a.setRequiresGradient(true);
				gc.backward(reference(a).sum());
				expected = a.getGradient().toFloatArray();
			}
			try (GradientCollector gc = Engines.engine().newGradientCollector()) {
				NDArray a = x.duplicate();
				a.setRequiresGradient(true);
				gc.backward(SeparableMaxPool.pool3x3Stride2(a).sum());
				got = a.getGradient().toFloatArray();
			}
			assertArrayEquals(expected, got, 0f);
			float total = 0;
			for (float g : got) total += g;
			assertEquals(4f, total, 0f, "one unit of gradient per output");
		}
	}
}
