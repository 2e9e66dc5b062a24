package org.duodistill.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/** Forward pass of {@link ResNetSpec}, matching torchvision's ResNet numerically. */
final class ResNetNetwork implements Network {
	static final float BN_EPS = 1e-5f;

	private final ResNetSpec spec;

	ResNetNetwork(ResNetSpec spec) {
		this.spec = spec;
	}


	@Override
	public String headWeight() {
		return "fc.weight";
	}

	@Override
	public String headBias() {
		return "fc.bias";
	}

	@Override
	public NDArray features(DeviceWeights w, NDArray input, BatchNormMode norm) {
		NDArray x = stem(convBn(input, w, "conv1", 2, 3, norm));
		for (int stage = 0; stage < 4; stage++) {
			for (int b = 0; b < spec.depths()[stage]; b++) {
				String p = "layer" + (stage + 1) + "." + b + ".";
				int stride = b == 0 ? ResNetSpec.stride(stage) : 1;
				x = block(x, w, p, stride, norm);
			}
		}
		return Pool.globalAvgPool2d(x);
	}

	/**
	 * ReLU and the 3x3/2 max pool after the first convolution. Without autograd the pool comes
	 * first, on the faster {@link SeparableMaxPool}, and the ReLU after it on a quarter of the
	 * values: a ReLU is monotone, so relu(max(x)) = max(relu(x)) exactly.
	 */
	private static NDArray stem(NDArray x) {
		if (SeparableMaxPool.recording()) return Pool.maxPool2d(Activation.relu(x), new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
		return Activation.relu(SeparableMaxPool.pool3x3Stride2(x));
	}

	private NDArray block(NDArray x, DeviceWeights w, String p, int stride, BatchNormMode norm) {
		NDArray y;
		if (spec.bottleneck()) {
			y = Activation.relu(convBn(x, w, p + "conv1", 1, 0, norm));
			y = Activation.relu(convBn(y, w, p + "conv2", stride, 1, norm));
			y = convBn(y, w, p + "conv3", 1, 0, norm);
		} else {
			y = Activation.relu(convBn(x, w, p + "conv1", stride, 1, norm));
			y = convBn(y, w, p + "conv2", 1, 1, norm);
		}
		NDArray shortcut = x;
		if (w.has(p + "downsample.0.weight")) {
			shortcut = convBn(x, w, p + "downsample.0", stride, 0, norm);
		}
		return Activation.relu(y.add(shortcut));
	}

	/**
	 * Convolution then its BatchNorm ({@link #normAfter}); in eval mode one convolution when the
	 * weights carry the folded form.
	 */
	private static NDArray convBn(NDArray x, DeviceWeights w, String conv, int stride, int pad, BatchNormMode norm) {
		if (norm == BatchNormMode.EVAL && w.has(conv + ".folded_weight")) {
			return Conv2d.conv2d(x, w.get(conv + ".folded_weight"), w.get(conv + ".folded_bias"), new Shape(stride, stride), new Shape(pad, pad),
					new Shape(1, 1), 1).singletonOrThrow();
		}
		return bn(conv(x, w.get(conv + ".weight"), stride, pad), w, normAfter(conv), norm);
	}

	/** The BatchNorm that follows a convolution of the ResNet, by torchvision's names, or null. */
	static String normAfter(String conv) {
		if (conv.endsWith("downsample.0")) return conv.substring(0, conv.length() - 1) + "1";
		int dot = conv.lastIndexOf('.');
		String leaf = conv.substring(dot + 1);
		if (!leaf.startsWith("conv")) return null;
		return conv.substring(0, dot + 1) + "bn" + leaf.substring(4);
	}

	private static NDArray conv(NDArray x, NDArray weight, int stride, int pad) {
		return Conv2d.conv2d(x, weight, null, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
				.singletonOrThrow();
	}

	private static NDArray bn(NDArray x, DeviceWeights w, String p, BatchNormMode mode) {
		// DJL hands PyTorch 1 - momentum, so its momentum is one minus PyTorch's update rate.
		return BatchNorm.batchNorm(x, w.get(p + ".running_mean"), w.get(p + ".running_var"), w.get(p + ".weight"),
				w.get(p + ".bias"), 1, 1f - mode.updateRate(), BN_EPS, mode.batchStatistics()).singletonOrThrow();
	}
}
