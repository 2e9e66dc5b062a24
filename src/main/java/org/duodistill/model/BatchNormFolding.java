package org.duodistill.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * For inference only: each convolution followed by a BatchNorm becomes one convolution with a bias,
 * {@code W' = W * g / sqrt(var + eps)} per output channel and {@code b' = beta - mean * g / sqrt(var + eps)}
 * (computed in double precision), so that evaluation runs no normalisation at all. The folded
 * tensors are kept beside the originals as {@code CONV.folded_weight} and {@code CONV.folded_bias}.
 */
final class BatchNormFolding {
	private BatchNormFolding() {}

	/** Folded conv weights and biases for every conv + BatchNorm pair of a ResNet; none for other families. */
	static LinkedHashMap<String, HostTensor> fold(ModelSpec spec, Map<String, HostTensor> w) {
		LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
		if (!(spec instanceof ResNetSpec)) return out;
		for (String name : spec.tensorShapes().keySet()) {
			if (!name.endsWith(".weight") || spec.tensorShapes().get(name).length != 4) continue;
			String conv = name.substring(0, name.length() - ".weight".length());
			String bn = ResNetNetwork.normAfter(conv);
			if (bn == null || !w.containsKey(bn + ".running_var")) continue;
			HostTensor k = w.get(name);
			float[] gamma = w.get(bn + ".weight").data();
			float[] beta = w.get(bn + ".bias").data();
			float[] mean = w.get(bn + ".running_mean").data();
			float[] var = w.get(bn + ".running_var").data();
			int outCh = (int) k.dim(0);
			int per = k.size() / outCh;
			HostTensor fw = HostTensor.zeros(k.shape());
			HostTensor fb = HostTensor.zeros(outCh);
			for (int o = 0; o < outCh; o++) {
				double scale = gamma[o] / Math.sqrt(var[o] + ResNetNetwork.BN_EPS);
				for (int i = 0; i < per; i++) fw.data()[o * per + i] = (float) (k.data()[o * per + i] * scale);
				fb.data()[o] = (float) (beta[o] - mean[o] * scale);
			}
			out.put(conv + ".folded_weight", fw);
			out.put(conv + ".folded_bias", fb);
		}
		return out;
	}
}
