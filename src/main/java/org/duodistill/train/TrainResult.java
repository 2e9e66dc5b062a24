package org.duodistill.train;

import org.duodistill.infer.Metrics;
import org.duodistill.model.SavedModel;

import java.util.List;

/** A finished (or cancelled) run: the deployable model, its test metrics and the history. */
public record TrainResult(SavedModel model, Method method, Metrics testMetrics, Metrics valMetrics, String evaluatedOn,
		List<EpochRecord> history, int bestEpoch, double seconds, boolean cancelled) {}
