package org.duodistill.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/** Forward pass of {@link ConvNeXtSpec}, matching timm's ConvNeXt (eval: no drop path) numerically. */
final class ConvNeXtNetwork implements Network {
	static final float LN_EPS = 1e-6f;

	private final ConvNeXtSpec spec;

	ConvNeXtNetwork(ConvNeXtSpec spec) {
		this.spec = spec;
	}


	@Override
	public String headWeight() {
		return "head.fc.weight";
	}

	@Override
	public String headBias() {
		return "head.fc.bias";
	}

	/** Globally averaged, then {@code head.norm}: [N, C]. ConvNeXt has no BatchNorm, so {@code norm} does not matter. */
	@Override
	public NDArray features(DeviceWeights w, NDArray input, BatchNormMode norm) {
		NDArray x = conv(input, w, "stem.0", 4, 0, 1);
		x = channelNorm(x, w, "stem.1");
		for (int i = 0; i < 4; i++) {
			String p = "stages." + i + ".";
			if (i > 0) {
				x = channelNorm(x, w, p + "downsample.0");
				x = conv(x, w, p + "downsample.1", 2, 0, 1);
			}
			for (int j = 0; j < spec.depths()[i]; j++) x = block(x, w, p + "blocks." + j + ".", spec.dims()[i]);
		}
		Shape s = x.getShape();
		x = x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2});
		return layerNorm(x, w, "head.norm");
	}

	private static NDArray block(NDArray x, DeviceWeights w, String p, int channels) {
		NDArray h = conv(x, w, p + "conv_dw", 1, 3, channels);
		h = h.transpose(0, 2, 3, 1);
		h = layerNorm(h, w, p + "norm");
		h = Linear.linear(h, w.get(p + "mlp.fc1.weight"), w.get(p + "mlp.fc1.bias")).singletonOrThrow();
		h = Activation.gelu(h);
		h = Linear.linear(h, w.get(p + "mlp.fc2.weight"), w.get(p + "mlp.fc2.bias")).singletonOrThrow();
		h = h.mul(w.get(p + "gamma")).transpose(0, 3, 1, 2);
		return x.add(h);
	}

	private static NDArray conv(NDArray x, DeviceWeights w, String p, int stride, int pad, int groups) {
		return Conv2d.conv2d(x, w.get(p + ".weight"), w.get(p + ".bias"), new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1),
				groups).singletonOrThrow();
	}

	/** timm's LayerNorm2d: LayerNorm over the channels of an NCHW map. */
	private static NDArray channelNorm(NDArray x, DeviceWeights w, String p) {
		return layerNorm(x.transpose(0, 2, 3, 1), w, p).transpose(0, 3, 1, 2);
	}

	private static NDArray layerNorm(NDArray x, DeviceWeights w, String p) {
		long d = x.getShape().get(x.getShape().dimension() - 1);
		return LayerNorm.layerNorm(x, new Shape(d), w.get(p + ".weight"), w.get(p + ".bias"), LN_EPS).singletonOrThrow();
	}
}
