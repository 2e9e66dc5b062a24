package org.duodistill.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;

/**
 * One optimizer step of one student: forward in training mode, cross-entropy (with label smoothing)
 * plus, when a teacher's logits are given, the KD term; backward; AdamW. The step every method's
 * training runs, and what the speed benchmark times.
 */
public final class TrainStep {
	private TrainStep() {}

	/** @return {loss, ce, kd} (kd 0 without teacher logits) */
	public static double[] run(DeviceWeights w, AdamW optimizer, NDArray x, int[] y, NDArray teacherLogits, double lr, TrainingOptions o) {
		double[] out = new double[3];
		try (GradientCollector gc = Engines.engine().newGradientCollector()) {
			NDArray logits = w.spec().network().forward(w, x, true);
			NDArray ce = Losses.crossEntropy(logits, y, o.labelSmoothing());
			NDArray loss = ce;
			NDArray kd = null;
			if (teacherLogits != null) {
				kd = Losses.distillation(logits, teacherLogits, o.temperature());
				loss = ce.add(kd.mul((float) o.kdWeight()));
			}
			gc.backward(loss);
			out[0] = loss.getFloat();
			out[1] = ce.getFloat();
			if (kd != null) out[2] = kd.getFloat();
		}
		optimizer.step(lr);
		return out;
	}
}
