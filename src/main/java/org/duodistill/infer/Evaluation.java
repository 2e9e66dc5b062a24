package org.duodistill.infer;

import org.duodistill.data.Preprocessing;
import org.duodistill.data.Sample;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Predictor;

import java.util.ArrayList;
import java.util.List;

/**
 * A model's probabilities on labelled samples and the metrics they give: the evaluation loop that
 * training (validation, test) and inference (evaluate) share. The logits come from the same pass,
 * for what needs other temperatures than the one applied (the reliability diagram's T = 1 curve).
 *
 * @param probabilities softmax of logits / the temperature given, as classify computes them
 */
public record Evaluation(Metrics metrics, float[][] probabilities, float[][] logits, int[] labels) {
	public static Evaluation of(DeviceWeights w, List<Sample> samples, Preprocessing prep, int batch, int numClasses) {
		return of(w, samples, prep, batch, numClasses, 1.0);
	}

	/** @param temperature the model's calibration (1: none), as classify applies it */
	public static Evaluation of(DeviceWeights w, List<Sample> samples, Preprocessing prep, int batch, int numClasses, double temperature) {
		int[] labels = new int[samples.size()];
		for (int i = 0; i < samples.size(); i++) labels[i] = samples.get(i).label();
		Predictor.Outputs out = Predictor.outputs(w, inputs(samples, prep), prep.channels(), prep.size(), Math.max(batch, 16), temperature);
		return new Evaluation(Metrics.compute(out.probabilities(), labels, numClasses), out.probabilities(), out.logits(), labels);
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
