package org.duodistill.train;

import ai.djl.ndarray.NDArray;
import org.duodistill.model.DeviceWeights;

import java.util.Map;

/**
 * The auxiliary teacher's update B <- m*B + (1-m)*A, done in place so B never joins the autograd
 * graph. BatchNorm statistics are averaged too only when asked: averaged statistics describe
 * neither network, so by default B's are re-estimated instead ({@link BatchNormCalibration}).
 */
public final class Ema {
	private Ema() {}

	/** Call inside an NDScope: the (1-m)*A temporaries are freed with it. */
	public static void update(DeviceWeights b, DeviceWeights a, double momentum, boolean includeStatistics) {
		for (Map.Entry<String, NDArray> e : b.tensors().entrySet()) {
			if (!includeStatistics && b.spec().isStatistic(e.getKey())) continue;
			NDArray src = a.get(e.getKey());
			e.getValue().muli((float) momentum).addi(src.mul((float) (1 - momentum)));
		}
	}
}
