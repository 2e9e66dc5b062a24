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
		List<float[]> inputs = new ArrayList<>(samples.size());
		int[] labels = new int[samples.size()];
		for (int i = 0; i < samples.size(); i++) {
			Sample s = samples.get(i);
			inputs.add(prep.normalise(s.scaled(), s.channels()));
			labels[i] = s.label();
		}
		float[][] p = Predictor.probabilities(w, inputs, prep.channels(), prep.size(), Math.max(batch, 16));
		return new Evaluation(Metrics.compute(p, labels, numClasses), p);
	}
}
