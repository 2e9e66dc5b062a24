package org.duodistill.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * The ResNet stem's 3x3 max pool with stride 2 and padding 1, computed as two one-dimensional
 * passes of element-wise maxima over strided views (along the width, then along the height).
 * libtorch 2.7.1's NCHW max-pool kernel is the slowest part of a ResNet's inference on the CPU:
 * 9.1 ms for a batch of 64 stem outputs (64x32x32x32), 145 us per image of a 480 us forward, against
 * about 1.5 ms this way (measured in docs/benchmarks.md, folder classification). A maximum is exact,
 * so the values equal the kernel's bit for bit.
 *
 * <p>Only while autograd is off: the gradient of an element-wise maximum splits ties between both
 * sides where the pool gives it all to the first maximum of the window, so training and input
 * gradients (saliency) keep libtorch's pool.
 */
final class SeparableMaxPool {
	private SeparableMaxPool() {}

	/** torchvision's stem pool on an NCHW tensor: {@code max_pool2d(x, 3, stride=2, padding=1)}. */
	static NDArray pool3x3Stride2(NDArray x) {
		Shape s = x.getShape();
		if (recording() || s.dimension() != 4 || s.get(2) < 2 || s.get(3) < 2) {
			return Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
		}
		return pass(pass(x, 3), 2);
	}

	/**
	 * Whether autograd records on this thread (a GradientCollector is open). DJL's
	 * {@code hasGradient()} cannot say whether a tensor is in a graph: it is false for every
	 * operation's result, so the thread's mode decides.
	 */
	static boolean recording() {
		return ai.djl.pytorch.jni.JniUtils.isGradMode();
	}

	/**
	 * One axis of length L to ceil(L / 2): out[j] = max(x[2j - 1], x[2j], x[2j + 1]), leaving out
	 * the indices outside [0, L) (the padding of a max pool never wins).
	 */
	private static NDArray pass(NDArray x, int axis) {
		long length = x.getShape().get(axis);
		long odd = length / 2; // x[1], x[3], ...: as many as the output has right-hand neighbours
		NDArray even = x.get(index(axis, "0::2")), oddValues = x.get(index(axis, "1::2"));
		NDArray paired = even.get(index(axis, "0:" + odd)).maximum(oddValues);
		if (length % 2 == 1) paired = paired.concat(even.get(index(axis, odd + ":")), axis);
		// out[0] has no left-hand neighbour; out[j] for j >= 1 also takes x[2j - 1] = odd[j - 1]
		NDArray rest = paired.get(index(axis, "1:")).maximum(oddValues.get(index(axis, "0:" + (paired.getShape().get(axis) - 1))));
		return paired.get(index(axis, "0:1")).concat(rest, axis);
	}

	private static String index(int axis, String slice) {
		return ":, ".repeat(axis) + slice;
	}
}
