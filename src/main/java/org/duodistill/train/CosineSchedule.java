package org.duodistill.train;

/** Linear warm-up then cosine decay to zero over a stage's steps. */
public record CosineSchedule(double baseLr, long warmupSteps, long totalSteps) {
	public double at(long step) {
		if (step < warmupSteps) return baseLr * (step + 1) / warmupSteps;
		long decay = Math.max(1, totalSteps - warmupSteps);
		double t = Math.min(1.0, (double) (step - warmupSteps) / decay);
		return baseLr * 0.5 * (1 + Math.cos(Math.PI * t));
	}
}
