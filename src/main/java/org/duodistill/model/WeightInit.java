package org.duodistill.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random initialisation as torchvision does it (He normal fan-out for convs, BN and LayerNorm
 * 1/0, Linear uniform), with timm's choices for what torchvision has not: ViT tokens normal(0, 0.02),
 * ConvNeXt layer scale 1e-6.
 */
public final class WeightInit {
	private WeightInit() {}

	public static LinkedHashMap<String, HostTensor> random(ModelSpec spec, long seed) {
		LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
		SplittableRandom rng = new SplittableRandom(seed);
		for (Map.Entry<String, long[]> e : spec.tensorShapes().entrySet()) {
			out.put(e.getKey(), init(e.getKey(), e.getValue(), fanIn(spec, e.getKey()), rng));
		}
		return out;
	}

	/** Fresh head for the target classes: torch.nn.Linear's default uniform(+-1/sqrt(fan_in)). */
	public static void freshHead(ModelSpec spec, Map<String, HostTensor> weights, long seed) {
		SplittableRandom rng = new SplittableRandom(seed ^ 0x5eedL);
		for (Map.Entry<String, long[]> e : spec.tensorShapes().entrySet()) {
			if (spec.isHead(e.getKey())) weights.put(e.getKey(), init(e.getKey(), e.getValue(), fanIn(spec, e.getKey()), rng));
		}
	}

	/** A linear layer's bias shares its weight's fan-in, as in torch.nn.Linear. */
	private static long fanIn(ModelSpec spec, String name) {
		String weight = name.endsWith(".bias") ? name.substring(0, name.length() - 5) + ".weight" : name;
		long[] shape = spec.tensorShapes().get(weight);
		return shape != null && shape.length == 2 ? shape[1] : 1;
	}

	private static HostTensor init(String name, long[] shape, long fanIn, SplittableRandom rng) {
		HostTensor t = HostTensor.zeros(shape);
		float[] d = t.data();
		if (name.endsWith("running_var") || (shape.length == 1 && name.endsWith(".weight"))) {
			java.util.Arrays.fill(d, 1f);
		} else if (name.endsWith("gamma")) {
			// ConvNeXt layer scale starts near zero, as timm's ls_init_value
			java.util.Arrays.fill(d, 1e-6f);
		} else if (shape.length == 3) {
			// ViT class token and position embeddings: normal(0, 0.02), as timm
			for (int i = 0; i < d.length; i++) d[i] = (float) (gaussian(rng) * 0.02);
		} else if (shape.length == 4) {
			double fanOut = shape[0] * shape[2] * shape[3];
			double std = Math.sqrt(2.0 / fanOut);
			for (int i = 0; i < d.length; i++) d[i] = (float) (gaussian(rng) * std);
		} else if (shape.length == 2 || fanIn > 1) {
			double bound = 1.0 / Math.sqrt(fanIn);
			for (int i = 0; i < d.length; i++) d[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
		}
		return t;
	}

	private static double gaussian(SplittableRandom rng) {
		double u1 = rng.nextDouble();
		double u2 = rng.nextDouble();
		return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
	}
}
