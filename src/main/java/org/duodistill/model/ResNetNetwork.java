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
		NDArray x = conv(input, w.get("conv1.weight"), 2, 3);
		x = Activation.relu(bn(x, w, "bn1", norm));
		x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
		for (int stage = 0; stage < 4; stage++) {
			for (int b = 0; b < spec.depths()[stage]; b++) {
				String p = "layer" + (stage + 1) + "." + b + ".";
				int stride = b == 0 ? ResNetSpec.stride(stage) : 1;
				x = block(x, w, p, stride, norm);
			}
		}
		return Pool.globalAvgPool2d(x);
	}

	private NDArray block(NDArray x, DeviceWeights w, String p, int stride, BatchNormMode norm) {
		NDArray y;
		if (spec.bottleneck()) {
			y = Activation.relu(bn(conv(x, w.get(p + "conv1.weight"), 1, 0), w, p + "bn1", norm));
			y = Activation.relu(bn(conv(y, w.get(p + "conv2.weight"), stride, 1), w, p + "bn2", norm));
			y = bn(conv(y, w.get(p + "conv3.weight"), 1, 0), w, p + "bn3", norm);
		} else {
			y = Activation.relu(bn(conv(x, w.get(p + "conv1.weight"), stride, 1), w, p + "bn1", norm));
			y = bn(conv(y, w.get(p + "conv2.weight"), 1, 1), w, p + "bn2", norm);
		}
		NDArray shortcut = x;
		if (w.names().contains(p + "downsample.0.weight")) {
			shortcut = bn(conv(x, w.get(p + "downsample.0.weight"), stride, 0), w, p + "downsample.1", norm);
		}
		return Activation.relu(y.add(shortcut));
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
