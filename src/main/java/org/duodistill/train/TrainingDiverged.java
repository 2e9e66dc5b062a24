package org.duodistill.train;

import java.util.Locale;

/** The loss became NaN or infinite: the run cannot continue from these weights. */
public final class TrainingDiverged extends RuntimeException {
	private static final long serialVersionUID = 1L;
	private final double learningRate;

	TrainingDiverged(String model, String stage, int epoch, int batch, long step, double loss, double learningRate) {
		super(String.format(Locale.ROOT, "training diverged: the %s's loss became %s in stage %s, epoch %d, batch %d (step %d) at learning rate %.3g;"
				+ " try a lower --lr (e.g. %.3g)", model, Double.isNaN(loss) ? "NaN" : "infinite", stage, epoch, batch, step, learningRate,
				learningRate / 2));
		this.learningRate = learningRate;
	}

	public double learningRate() {
		return learningRate;
	}
}
