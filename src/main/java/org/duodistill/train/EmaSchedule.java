package org.duodistill.train;

import com.google.gson.JsonObject;

/**
 * The momentum m of the auxiliary teacher's update B <- m*B + (1-m)*A. A fixed m does not fit
 * every run: with few steps (small data) B stays mostly its initial selection. So by default m
 * follows from the stage's length: B's share of what it was at the start halves every
 * {@code halfLifeFraction} of the SKD stage's optimizer steps, m = 0.5^(1 / (fraction * steps)).
 *
 * @param fixedMomentum the user's {@code --ema M}, or NaN for the half-life rule
 * @param halfLifeFraction the half-life as a fraction of the SKD stage's steps
 */
public record EmaSchedule(double fixedMomentum, double halfLifeFraction) {
	public EmaSchedule {
		if (!Double.isNaN(fixedMomentum) && (fixedMomentum < 0 || fixedMomentum > 1)) {
			throw new IllegalArgumentException("--ema momentum must be in [0,1], got " + fixedMomentum);
		}
		if (!(halfLifeFraction > 0) || halfLifeFraction > 1) {
			throw new IllegalArgumentException("--ema-half-life must be in (0,1], got " + halfLifeFraction);
		}
	}

	public static EmaSchedule halfLife(double fraction) {
		return new EmaSchedule(Double.NaN, fraction);
	}

	public static EmaSchedule fixed(double momentum) {
		return new EmaSchedule(momentum, 1);
	}

	public boolean isFixed() {
		return !Double.isNaN(fixedMomentum);
	}

	/** The momentum for a stage of {@code stageSteps} optimizer steps. */
	public double momentum(long stageSteps) {
		if (isFixed()) return fixedMomentum;
		double halfLifeSteps = Math.max(1.0, halfLifeFraction * stageSteps);
		return Math.pow(0.5, 1.0 / halfLifeSteps);
	}

	/** What model.json records: the rule, and the momentum it gave for the run's stage. */
	public JsonObject toJson(long stageSteps) {
		JsonObject o = new JsonObject();
		o.addProperty("rule", isFixed() ? "fixed" : "half-life");
		if (!isFixed()) o.addProperty("half_life_fraction", halfLifeFraction);
		if (stageSteps > 0) {
			o.addProperty("skd_steps", stageSteps);
			o.addProperty("momentum", momentum(stageSteps));
		} else if (isFixed()) {
			o.addProperty("momentum", fixedMomentum);
		}
		return o;
	}
}
