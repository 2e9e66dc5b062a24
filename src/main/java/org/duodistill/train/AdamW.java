package org.duodistill.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.duodistill.model.DeviceWeights;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) with decoupled weight decay, updating a model's tensors in place.
 * Like timm, biases, norm scales and a ViT's class token and position embeddings get no decay
 * ({@link org.duodistill.model.ModelSpec#decays}). Gradients are zeroed
 * after each step because the engine accumulates them.
 */
public final class AdamW implements AutoCloseable {
	private static final float BETA1 = 0.9f;
	private static final float BETA2 = 0.999f;
	private static final float EPS = 1e-8f;

	private final DeviceWeights weights;
	private final double weightDecay;
	private final NDManager stateManager;
	private final Map<String, NDArray> firstMoment = new LinkedHashMap<>();
	private final Map<String, NDArray> secondMoment = new LinkedHashMap<>();
	private long step;

	public AdamW(DeviceWeights weights, double weightDecay) {
		this.weights = weights;
		this.weightDecay = weightDecay;
		this.stateManager = weights.manager().newSubManager();
		for (Map.Entry<String, NDArray> e : weights.tensors().entrySet()) {
			if (weights.spec().isStatistic(e.getKey())) continue;
			firstMoment.put(e.getKey(), stateManager.zeros(e.getValue().getShape()));
			secondMoment.put(e.getKey(), stateManager.zeros(e.getValue().getShape()));
		}
	}

	/**
	 * One update with the given learning rate; call inside an NDScope so temporaries are freed. Each
	 * tensor is updated by one native call (libtorch does the moment updates, the decay and the step
	 * in place: 2 crossings into native code per tensor instead of 15), then its gradient is zeroed,
	 * which also clears NaN and infinities.
	 */
	public void step(double lr) {
		step++;
		double bc1 = 1 - Math.pow(BETA1, step);
		double bc2 = 1 - Math.pow(BETA2, step);
		// lr * sqrt(bc2) / bc1 on m / (sqrt(v) + eps) is PyTorch's bias-corrected step with eps scaled by
		// sqrt(bc2), a difference far below float32 resolution once v is not ~0
		float corrected = (float) (lr * Math.sqrt(bc2) / bc1);
		for (Map.Entry<String, NDArray> e : firstMoment.entrySet()) {
			NDArray w = weights.get(e.getKey());
			PtNDArray g = (PtNDArray) w.getGradient();
			float decay = weightDecay > 0 && weights.spec().decays(e.getKey(), w.getShape().getShape()) ? (float) weightDecay : 0f;
			JniUtils.adamUpdate((PtNDArray) w, g, (PtNDArray) e.getValue(), (PtNDArray) secondMoment.get(e.getKey()), (float) lr, corrected,
					decay, 1f, -1f, BETA1, BETA2, EPS, true);
			JniUtils.zeroGrad((PtNDArray) w);
		}
	}

	/** The moments by tensor name, "m." and "v." prefixed: for checkpoints. */
	Map<String, NDArray> moments() {
		Map<String, NDArray> out = new LinkedHashMap<>();
		firstMoment.forEach((k, v) -> out.put("m." + k, v));
		secondMoment.forEach((k, v) -> out.put("v." + k, v));
		return out;
	}

	long steps() {
		return step;
	}

	void restoreSteps(long s) {
		step = s;
	}

	@Override
	public void close() {
		stateManager.close();
	}
}
