package org.duodistill.infer;

import ai.djl.Device;
import org.duodistill.data.Dataset;
import org.duodistill.data.DatasetException;
import org.duodistill.data.DatasetLoader;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.Sample;
import org.duodistill.data.Split;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.SavedModel;

import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code evaluate}: a model folder against labelled images. Uses the folder's {@code test/} split
 * when it has one, every usable image otherwise. Class names must be among the model's.
 */
public final class EvaluationJob {
	private EvaluationJob() {}

	/**
	 * @param dataWarning set when the data's fingerprint differs from the training data's recorded in
	 *        model.json (expected for new data; a warning when the same folder was meant)
	 * @param calibration the model's, applied to the evaluation's probabilities
	 */
	public record Result(Evaluation evaluation, Calibration calibration, List<String> classes, int images, Dataset dataset,
			String dataWarning) {
		public Metrics metrics() {
			return evaluation.metrics();
		}

		/** The reliability diagram of these images, titled with the model's and the data's names. */
		public ReliabilityDiagram reliability(Path model, Path data) {
			return ReliabilityDiagram.of(evaluation, calibration, name(model) + " on " + name(data));
		}

		private static String name(Path p) {
			Path n = p.toAbsolutePath().normalize().getFileName();
			return n == null ? p.toString() : n.toString();
		}
	}

	public static Result run(Path modelDir, Path data, Device device, ImageReaders readers) throws IOException, DatasetException {
		return run(modelDir, data, device, readers, null);
	}

	/**
	 * @param cut the plane or storage axis to cut volumes in, every slice; null: the model's own
	 *        plane, every slice (as {@link Classifier} and the Spark job read files)
	 */
	public static Result run(Path modelDir, Path data, Device device, ImageReaders readers, org.duodistill.data.SlicePolicy cut)
			throws IOException, DatasetException {
		return run(modelDir, data, device, readers, cut, null);
	}

	/** @param reading told after each file of {@code data} is read; null: nothing */
	public static Result run(Path modelDir, Path data, Device device, ImageReaders readers, org.duodistill.data.SlicePolicy cut,
			DatasetLoader.ReadProgress reading) throws IOException, DatasetException {
		SavedModel model = ModelFolder.read(modelDir);
		org.duodistill.data.SlicePolicy slices = cut != null ? cut.cutOnly() : model.slicing().cutOnly();
		Dataset ds = new DatasetLoader(readers, model.preprocessing().size(), null).withSlicePolicy(slices).withReadProgress(reading)
				.load(data, false);
		checkClasses(model, ds.classes(), data);
		List<Sample> samples = ds.split(Split.TEST).isEmpty() ? ds.samples() : ds.split(Split.TEST);
		if (samples.isEmpty()) throw new DatasetException(data + ": no usable labelled images");
		List<Sample> remapped = new ArrayList<>(samples.size());
		for (Sample s : samples) {
			int label = model.classes().indexOf(ds.classes().get(s.label()));
			remapped.add(s.withLabel(label));
		}
		try (NDManager m = Engines.engine().newBaseManager(device);
				DeviceWeights w = DeviceWeights.uploadForInference(model.spec(), model.weights(), m, device)) {
			Calibration calibration = Calibration.of(model.provenance());
			Evaluation e = Evaluation.of(w, remapped, model.preprocessing(), 32, model.spec().numClasses(), calibration.temperature());
			return new Result(e, calibration, model.classes(), remapped.size(), ds, dataWarning(model, ds.fingerprint(), data));
		}
	}

	/** Labelled data may only name classes the model predicts (the metrics are over the model's classes). */
	public static void checkClasses(SavedModel model, java.util.Collection<String> dataClasses, Object data) throws DatasetException {
		List<String> unknown = new ArrayList<>();
		for (String c : dataClasses) if (!model.classes().contains(c)) unknown.add(c);
		if (!unknown.isEmpty()) {
			throw new DatasetException(data + ": class(es) " + unknown + " are not known to the model, which predicts " + model.classes());
		}
	}

	/** Null when {@code fingerprint} is the training data's (or model.json has none). */
	public static String dataWarning(SavedModel model, String fingerprint, Object data) {
		var trained = model.provenance().getAsJsonObject("dataset");
		if (trained == null || !trained.has("fingerprint")) return null;
		String was = trained.get("fingerprint").getAsString();
		if (was.equals(fingerprint)) return null;
		return data + ": not the data this model was trained on (data fingerprint " + shortened(fingerprint) + ", training data "
				+ shortened(was) + "); expected for new data, but if this is the training folder, its files have changed since";
	}

	private static String shortened(String f) {
		return f.length() > 12 ? f.substring(0, 12) : f;
	}
}
