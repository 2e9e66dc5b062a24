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
 */
public record Teacher(ModelSpec spec, LinkedHashMap<String, HostTensor> weights, String source, String fingerprint,
		boolean trainedOnClasses, Preprocessing preprocessing, List<EpochRecord> history, double seconds,
		org.duodistill.infer.Metrics testMetrics) {}
