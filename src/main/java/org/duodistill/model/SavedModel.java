package org.duodistill.model;

import com.google.gson.JsonObject;
import org.duodistill.data.Preprocessing;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * A trained classifier as stored in a model folder: architecture, weights, class names in output
 * order, preprocessing, and provenance (method, options, metrics, fingerprints, seed).
 */
public record SavedModel(ModelSpec spec, LinkedHashMap<String, HostTensor> weights, List<String> classes,
		Preprocessing preprocessing, JsonObject provenance) {
	public SavedModel {
		if (classes.size() != spec.numClasses()) {
			throw new IllegalArgumentException(classes.size() + " class names for a model with " + spec.numClasses() + " outputs");
		}
		classes = List.copyOf(classes);
	}

	/**
	 * How the training data's stacks and volumes were cut and selected (model.json
	 * {@code dataset.slices}); a model made before anatomical planes existed cut along storage z.
	 */
	public org.duodistill.data.SlicePolicy slicing() {
		JsonObject ds = provenance == null ? null : provenance.getAsJsonObject("dataset");
		return org.duodistill.data.SlicePolicy.fromJson(ds == null ? null : ds.getAsJsonObject("slices"));
	}
}
