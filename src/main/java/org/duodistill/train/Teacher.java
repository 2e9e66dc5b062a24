package org.duodistill.train;

import org.duodistill.infer.Metrics;
import org.duodistill.data.Preprocessing;
import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelSpec;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * The large model T that students take weights from.
 *
 * @param trainedOnClasses its head already predicts the target classes (auto-trained here, or a
 *        DuoDistill model folder with the same classes); otherwise KD and the teacher baseline
 *        fine-tune it first
 * @param preprocessing what inputs T expects, and so what the students get
 * @param origin what model.json records of where T came from beyond its source (a Hub repo's commit,
 *        SHA-256 and config; how its channels met the images)
 */
public record Teacher(ModelSpec spec, LinkedHashMap<String, HostTensor> weights, String source, String fingerprint,
		boolean trainedOnClasses, Preprocessing preprocessing, List<EpochRecord> history, double seconds,
		org.duodistill.infer.Metrics testMetrics, com.google.gson.JsonObject origin) {

	/** A teacher whose origin needs no more than its source and fingerprint. */
	public Teacher(ModelSpec spec, LinkedHashMap<String, HostTensor> weights, String source, String fingerprint, boolean trainedOnClasses,
			Preprocessing preprocessing, List<EpochRecord> history, double seconds, Metrics testMetrics) {
		this(spec, weights, source, fingerprint, trainedOnClasses, preprocessing, history, seconds, testMetrics, new com.google.gson.JsonObject());
	}
}
