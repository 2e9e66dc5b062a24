package org.duodistill.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.duodistill.model.DeviceWeights;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter) with decoupled weight decay, updating a model's tensors in place.
 * Like timm, one-dimensional tensors (biases, norm scales) get no decay. Gradients are zeroed
 * after each step because the engine accumulates them.
 */
public final class AdamW implements AutoCloseable {
	private static final float BETA1 = 0.9f;
	private static final float BETA2 = 0.999f;
	private static final float EPS = 1e-8f;
	private static final NDIndex ALL = new NDIndex("...");

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

	/** One update with the given learning rate; call inside an NDScope so temporaries are freed. */
	public void step(double lr) {
		step++;
		double bc1 = 1 - Math.pow(BETA1, step);
		double bc2 = 1 - Math.pow(BETA2, step);
		for (Map.Entry<String, NDArray> e : firstMoment.entrySet()) {
			NDArray w = weights.get(e.getKey());
			NDArray g = w.getGradient();
			NDArray m = e.getValue();
			NDArray v = secondMoment.get(e.getKey());
			m.muli(BETA1).addi(g.mul(1 - BETA1));
			v.muli(BETA2).addi(g.square().muli(1 - BETA2));
			if (weightDecay > 0 && w.getShape().dimension() > 1) w.muli((float) (1 - lr * weightDecay));
			NDArray update = m.div((float) bc1).divi(v.div((float) bc2).sqrt().addi(EPS)).muli((float) lr);
			w.subi(update);
			// g - g stays NaN where g is NaN or infinite, and would poison every later step.
			g.set(ALL, 0f);
		}
	}

	@Override
	public void close() {
		stateManager.close();
	}
}
