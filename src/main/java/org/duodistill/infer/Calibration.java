package org.duodistill.infer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", 2017): one scalar T
 * divides the logits before the softmax, fitted on held-out images by minimising the negative
 * log-likelihood. It keeps every arg-max, so accuracy is unchanged; only the confidences move.
 *
 * @param method {@code temperature}, or {@code none} (T = 1)
 * @param split the split it was fitted on, and {@code images} how many
 * @param eceBefore expected calibration error on that split at T = 1, {@code eceAfter} at T
 */
public record Calibration(String method, double temperature, String split, int images, double eceBefore, double eceAfter) {
	/** What a model folder without a {@code calibration} field, or trained with {@code --calibrate none}, gets. */
	public static final Calibration NONE = new Calibration("none", 1.0, "", 0, Double.NaN, Double.NaN);
	private static final double MIN_T = 0.05;
	private static final double MAX_T = 20;

	public Calibration {
		if (!(temperature > 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be positive, got " + temperature);
	}

	/** Fits T on labelled logits; with no images, {@link #NONE}. */
	public static Calibration fit(float[][] logits, int[] labels, String split) {
		if (logits.length == 0) return NONE;
		// NLL is convex in 1/T (a log-sum-exp of a linear function minus a linear one): golden-section search over log(1/T)
		double lo = Math.log(1 / MAX_T);
		double hi = Math.log(1 / MIN_T);
		double g = (Math.sqrt(5) - 1) / 2;
		double a = hi - g * (hi - lo);
		double b = lo + g * (hi - lo);
		double fa = nll(logits, labels, Math.exp(-a));
		double fb = nll(logits, labels, Math.exp(-b));
		for (int i = 0; i < 80; i++) {
			if (fa < fb) {
				hi = b;
				b = a;
				fb = fa;
				a = hi - g * (hi - lo);
				fa = nll(logits, labels, Math.exp(-a));
			} else {
				lo = a;
				a = b;
				fa = fb;
				b = lo + g * (hi - lo);
				fb = nll(logits, labels, Math.exp(-b));
			}
		}
		double t = Math.exp(-(lo + hi) / 2);
		double before = ece(softmax(logits, 1), labels);
		if (t < MIN_T * 1.05 || t > MAX_T / 1.05) {
			// No interior minimum: a validation split the model separates perfectly drives T towards 0
			// (every confidence 1.0), one it gets all wrong towards infinity. Neither is a calibration.
			return new Calibration("none", 1.0, split, logits.length, before, before);
		}
		return new Calibration("temperature", t, split, logits.length, before, ece(softmax(logits, t), labels));
	}

	/** Mean negative log-likelihood of the labels at temperature t. */
	public static double nll(float[][] logits, int[] labels, double t) {
		double sum = 0;
		for (int i = 0; i < logits.length; i++) {
			double max = Double.NEGATIVE_INFINITY;
			for (float z : logits[i]) max = Math.max(max, z / t);
			double s = 0;
			for (float z : logits[i]) s += Math.exp(z / t - max);
			sum += max + Math.log(s) - logits[i][labels[i]] / t;
		}
		return sum / logits.length;
	}

	/** Softmax of each row of logits divided by t. */
	public static float[][] softmax(float[][] logits, double t) {
		float[][] p = new float[logits.length][];
		for (int i = 0; i < logits.length; i++) p[i] = softmax(logits[i], t);
		return p;
	}

	public static float[] softmax(float[] z, double t) {
		double max = Double.NEGATIVE_INFINITY;
		for (float v : z) max = Math.max(max, v / t);
		double[] e = new double[z.length];
		double s = 0;
		for (int c = 0; c < z.length; c++) {
			e[c] = Math.exp(z[c] / t - max);
			s += e[c];
		}
		float[] p = new float[z.length];
		for (int c = 0; c < z.length; c++) p[c] = (float) (e[c] / s);
		return p;
	}

	/** Expected calibration error over {@link ConfidenceBins}: the ECE of the metrics and of the reliability diagram. */
	public static double ece(float[][] probabilities, int[] labels) {
		return ConfidenceBins.of(probabilities, labels).ece();
	}

	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.addProperty("method", method);
		o.addProperty("temperature", temperature);
		o.addProperty("split", split);
		o.addProperty("images", images);
		if (!Double.isNaN(eceBefore)) o.addProperty("ece_before", eceBefore);
		if (!Double.isNaN(eceAfter)) o.addProperty("ece_after", eceAfter);
		return o;
	}

	/** The calibration a model folder's provenance records; {@link #NONE} when it records none. */
	public static Calibration of(JsonObject provenance) {
		JsonElement e = provenance == null ? null : provenance.get("calibration");
		if (e == null || !e.isJsonObject()) return NONE;
		JsonObject o = e.getAsJsonObject();
		try {
			return new Calibration(o.get("method").getAsString(), o.get("temperature").getAsDouble(),
					o.has("split") ? o.get("split").getAsString() : "", o.has("images") ? o.get("images").getAsInt() : 0,
					o.has("ece_before") ? o.get("ece_before").getAsDouble() : Double.NaN,
					o.has("ece_after") ? o.get("ece_after").getAsDouble() : Double.NaN);
		} catch (RuntimeException x) {
			throw new IllegalArgumentException("model.json: calibration must hold a method and a positive temperature, got " + o);
		}
	}
}
