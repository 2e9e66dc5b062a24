package org.duodistill.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/** Forward pass of {@link ViTSpec}, matching timm's VisionTransformer (eval: no dropout) numerically. */
final class ViTNetwork implements Network {
	static final float LN_EPS = 1e-6f;

	private final ViTSpec spec;

	ViTNetwork(ViTSpec spec) {
		this.spec = spec;
	}


	@Override
	public String headWeight() {
		return "head.weight";
	}

	@Override
	public String headBias() {
		return "head.bias";
	}

	/** The class token after the final norm, [N, D]; ViTs have no BatchNorm, so {@code norm} does not matter. */
	@Override
	public NDArray features(DeviceWeights w, NDArray input, BatchNormMode norm) {
		long n = input.getShape().get(0);
		if (input.getShape().get(2) != spec.imageSize() || input.getShape().get(3) != spec.imageSize()) {
			throw new IllegalArgumentException("this ViT takes " + spec.imageSize() + "x" + spec.imageSize() + " inputs, got " + input.getShape());
		}
		int p = spec.patch();
		NDArray x = Conv2d.conv2d(input, w.get("patch_embed.proj.weight"), w.get("patch_embed.proj.bias"), new Shape(p, p), new Shape(0, 0),
				new Shape(1, 1), 1).singletonOrThrow();
		long d = spec.embedDim();
		x = x.reshape(n, d, -1).transpose(0, 2, 1);
		NDArray cls = w.get("cls_token").broadcast(new Shape(n, 1, d));
		x = NDArrays.concat(new ai.djl.ndarray.NDList(cls, x), 1).add(w.get("pos_embed"));
		for (int i = 0; i < spec.depth(); i++) x = block(x, w, "blocks." + i + ".");
		x = layerNorm(x, w, "norm");
		return x.get(":, 0, :");
	}

	private NDArray block(NDArray x, DeviceWeights w, String p) {
		x = x.add(attention(layerNorm(x, w, p + "norm1"), w, p + "attn."));
		NDArray h = layerNorm(x, w, p + "norm2");
		h = Linear.linear(h, w.get(p + "mlp.fc1.weight"), w.get(p + "mlp.fc1.bias")).singletonOrThrow();
		h = Activation.gelu(h);
		h = Linear.linear(h, w.get(p + "mlp.fc2.weight"), w.get(p + "mlp.fc2.bias")).singletonOrThrow();
		return x.add(h);
	}

	private NDArray attention(NDArray x, DeviceWeights w, String p) {
		Shape s = x.getShape();
		long n = s.get(0);
		long t = s.get(1);
		long d = s.get(2);
		int heads = spec.heads();
		long hd = d / heads;
		NDArray qkv = Linear.linear(x, w.get(p + "qkv.weight"), w.get(p + "qkv.bias")).singletonOrThrow();
		// [N, T, 3, H, hd] -> [3, N, H, T, hd]
		qkv = qkv.reshape(n, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
		NDArray q = qkv.get(0);
		NDArray k = qkv.get(1);
		NDArray v = qkv.get(2);
		NDArray attn = q.mul((float) (1.0 / Math.sqrt(hd))).matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
		NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(n, t, d);
		return Linear.linear(out, w.get(p + "proj.weight"), w.get(p + "proj.bias")).singletonOrThrow();
	}

	static NDArray layerNorm(NDArray x, DeviceWeights w, String p) {
		long d = x.getShape().get(x.getShape().dimension() - 1);
		return LayerNorm.layerNorm(x, new Shape(d), w.get(p + ".weight"), w.get(p + ".bias"), LN_EPS).singletonOrThrow();
	}
}
