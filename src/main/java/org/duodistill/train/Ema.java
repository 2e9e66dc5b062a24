package org.duodistill.train;

import ai.djl.ndarray.NDArray;
import org.duodistill.model.DeviceWeights;

import java.util.Map;

/**
 * The auxiliary teacher's update B <- m*B + (1-m)*A over every tensor, BatchNorm statistics
 * included, done in place so B never joins the autograd graph.
 */
public final class Ema {
	private Ema() {}

	/** Call inside an NDScope: the (1-m)*A temporaries are freed with it. */
	public static void update(DeviceWeights b, DeviceWeights a, double momentum) {
		for (Map.Entry<String, NDArray> e : b.tensors().entrySet()) {
			NDArray src = a.get(e.getKey());
			e.getValue().muli((float) momentum).addi(src.mul((float) (1 - momentum)));
		}
	}
}
