package org.duodistill.infer;

import org.duodistill.data.Preprocessing;
import org.duodistill.data.Sample;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Predictor;

import java.util.ArrayList;
import java.util.List;

/**
 * A model's probabilities on labelled samples and the metrics they give: the evaluation loop that
 * training (validation, test) and inference (evaluate) share.
 */
public record Evaluation(Metrics metrics, float[][] probabilities) {
	public static Evaluation of(DeviceWeights w, List<Sample> samples, Preprocessing prep, int batch, int numClasses) {
		return of(w, samples, prep, batch, numClasses, 1.0);
	}

	/** @param temperature the model's calibration (1: none), as classify applies it */
	public static Evaluation of(DeviceWeights w, List<Sample> samples, Preprocessing prep, int batch, int numClasses, double temperature) {
		int[] labels = new int[samples.size()];
		for (int i = 0; i < samples.size(); i++) labels[i] = samples.get(i).label();
		float[][] p = Predictor.probabilities(w, inputs(samples, prep), prep.channels(), prep.size(), Math.max(batch, 16), temperature);
		return new Evaluation(Metrics.compute(p, labels, numClasses), p);
	}

	/** The logits of labelled samples and their labels, for calibration. */
	public static float[][] logits(DeviceWeights w, List<Sample> samples, Preprocessing prep, int batch) {
		return Predictor.logits(w, inputs(samples, prep), prep.channels(), prep.size(), Math.max(batch, 16));
	}

	/** The network inputs of labelled samples, normalised as the model expects. */
	private static List<float[]> inputs(List<Sample> samples, Preprocessing prep) {
		List<float[]> inputs = new ArrayList<>(samples.size());
		for (Sample s : samples) inputs.add(prep.normalise(s.scaled(), s.channels()));
		return inputs;
	}
}
