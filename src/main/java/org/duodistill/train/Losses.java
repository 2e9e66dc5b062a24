package org.duodistill.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The losses of METHOD.md step 4, computed from log-softmax for stability. */
public final class Losses {
	private Losses() {}

	/** Cross-entropy against labels smoothed by epsilon (uniform mass epsilon/K), batch mean. */
	public static NDArray crossEntropy(NDArray logits, int[] labels, double smoothing) {
		int n = labels.length;
		int k = (int) logits.getShape().get(1);
		float[] target = new float[n * k];
		float off = (float) (smoothing / k);
		for (int i = 0; i < n; i++) {
			for (int c = 0; c < k; c++) target[i * k + c] = off;
			target[i * k + labels[i]] += (float) (1 - smoothing);
		}
		NDManager m = logits.getManager();
		NDArray q = m.create(target, new Shape(n, k)).toDevice(logits.getDevice(), false);
		return logits.logSoftmax(1).mul(q).sum(new int[] {1}).mean().neg();
	}

	/**
	 * tau^2 * KL(softmax(teacher/tau) || softmax(student/tau)), summed over classes, batch mean.
	 * The teacher logits carry no gradient.
	 */
	public static NDArray distillation(NDArray studentLogits, NDArray teacherLogits, double tau) {
		NDArray logPs = studentLogits.div((float) tau).logSoftmax(1);
		NDArray logPt = teacherLogits.div((float) tau).logSoftmax(1);
		NDArray kl = logPt.exp().mul(logPt.sub(logPs)).sum(new int[] {1}).mean();
		return kl.mul((float) (tau * tau));
	}
}
