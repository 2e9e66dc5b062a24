package org.duodistill.infer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.duodistill.data.ImageData;
import org.duodistill.data.ImagePlane;
import org.duodistill.data.ImageReadException;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.ReadOptions;
import org.duodistill.data.SlicePolicy;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.Predictor;
import org.duodistill.model.SavedModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model folder ready to classify images, stacks and files with the model's own preprocessing.
 * Holds native memory: close it.
 */
public final class Classifier implements AutoCloseable {
	private static final int BATCH = 32;

	private final SavedModel model;
	private final NDManager manager;
	private final DeviceWeights weights;
	private final ImageReaders readers;
	/** The model's calibration: every probability this classifier gives is softmax(logits / T). */
	private final double temperature;
	/** How files' stacks and volumes are cut: the model's plane (or storage axis) unless the caller chose another. */
	private final SlicePolicy cut;

	public Classifier(SavedModel model, Device device, ImageReaders readers) {
		this(model, device, readers, null);
	}

	/** @param cut the plane or storage axis to cut volumes in; null: the model's own, every slice */
	public Classifier(SavedModel model, Device device, ImageReaders readers, SlicePolicy cut) {
		this.model = model;
		this.cut = cut != null ? cut : model.slicing().cutOnly();
		this.temperature = Calibration.of(model.provenance()).temperature();
		this.readers = readers;
		this.manager = Engines.engine().newBaseManager(device);
		this.weights = DeviceWeights.uploadForInference(model.spec(), model.weights(), manager, device);
	}

	public static Classifier open(Path modelDir, Device device) throws IOException {
		return open(modelDir, device, null);
	}

	/** @param cut the plane or storage axis to cut volumes in; null: the model's own */
	public static Classifier open(Path modelDir, Device device, SlicePolicy cut) throws IOException {
		return new Classifier(ModelFolder.read(modelDir), device, ImageReaders.standard(), cut);
	}

	/** The plane (or storage axis) volumes are cut in, and which slices are taken. */
	public SlicePolicy cut() {
		return cut;
	}

	public SavedModel model() {
		return model;
	}

	public List<String> classNames() {
		return model.classes();
	}

	/** Probabilities for each plane, in order; planes numbered 1..n. */
	public List<Prediction> classify(String source, List<ImagePlane> planes) {
		List<Integer> numbers = new ArrayList<>(planes.size());
		for (int i = 1; i <= planes.size(); i++) numbers.add(i);
		return classify(source, planes, numbers);
	}

	/** Probabilities for each plane, in order, each reported with its slice number. */
	public List<Prediction> classify(String source, List<ImagePlane> planes, List<Integer> sliceNumbers) {
		return predictions(source, inputs(planes), sliceNumbers);
	}

	/** The network inputs of planes, with the model's own preprocessing. */
	private List<float[]> inputs(List<ImagePlane> planes) {
		List<float[]> inputs = new ArrayList<>(planes.size());
		for (ImagePlane p : planes) inputs.add(model.preprocessing().apply(p));
		return inputs;
	}

	private List<Prediction> predictions(String source, List<float[]> inputs, List<Integer> sliceNumbers) {
		float[][] probs = Predictor.probabilities(weights, inputs, model.preprocessing().channels(), model.preprocessing().size(), BATCH,
				temperature);
		List<Prediction> out = new ArrayList<>(inputs.size());
		for (int i = 0; i < probs.length; i++) {
			int best = Metrics.argmax(probs[i]);
			out.add(new Prediction(source, sliceNumbers.get(i), best, model.classes().get(best), probs[i][best], probs[i]));
		}
		return out;
	}

	/**
	 * Probabilities of labelled planes prepared exactly as {@code evaluate} prepares them (the dataset
	 * loader's default intensity percentiles, then the model's normalisation), so that metrics computed
	 * elsewhere from these (the Spark job) equal {@link EvaluationJob}'s.
	 */
	public float[][] evaluationProbabilities(List<ImagePlane> planes) {
		Preprocessing prep = model.preprocessing();
		List<float[]> inputs = new ArrayList<>(planes.size());
		for (ImagePlane p : planes) {
			inputs.add(prep.normalise(Preprocessing.scaled(p, prep.size(), Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH), p.channels()));
		}
		return Predictor.probabilities(weights, inputs, prep.channels(), prep.size(), BATCH, temperature);
	}

	/**
	 * One explanation per plane of {@code data}: its prediction and a map of the pixels that moved
	 * the score of {@code className} (null: the predicted class), at the file's own size.
	 */
	public List<Explanation> explain(String source, ImageData data, String className, ExplanationMethod method) {
		Integer fixed = className == null ? null : classIndex(className);
		Preprocessing prep = model.preprocessing();
		float[] black = new float[prep.channels()];
		for (int c = 0; c < black.length; c++) black[c] = -prep.mean()[c] / prep.std()[c];
		List<float[]> inputs = inputs(data.planes());
		List<Prediction> predictions = predictions(source, inputs, data.sliceNumbers());
		// A whole-slide image was read reduced; a map at its full size would not fit in memory.
		boolean fileSize = (long) data.width() * data.height() <= MAX_MAP_PIXELS && data.width() > 0 && data.height() > 0;
		List<Explanation> out = new ArrayList<>(predictions.size());
		for (int i = 0; i < predictions.size(); i++) {
			ImagePlane plane = data.planes().get(i);
			Prediction p = predictions.get(i);
			int target = fixed != null ? fixed : p.predicted();
			float[] raw = Saliency.map(weights, inputs.get(i), prep.channels(), prep.size(), target, method, black, 17L * i + 1);
			int w = fileSize ? data.width() : plane.width();
			int h = fileSize ? data.height() : plane.height();
			float[] map = SaliencyMaps.toImage(raw, prep.size(), w, h, method != ExplanationMethod.OCCLUSION);
			int[] peak = SaliencyMaps.peak(map, w);
			out.add(new Explanation(source, p.slice(), p.predictedClass(), p.confidence(), model.classes().get(target), method, w, h, map,
					peak[0], peak[1]));
		}
		return out;
	}

	/** Larger files get their map at the size they were read at. */
	static final long MAX_MAP_PIXELS = 1L << 26;

	/** A class by name, or by 0-based index when no class has that name. */
	public int classIndex(String className) {
		int i = model.classes().indexOf(className);
		if (i >= 0) return i;
		try {
			int k = Integer.parseInt(className.trim());
			if (k >= 0 && k < model.classes().size()) return k;
		} catch (NumberFormatException e) {
			// not an index either
		}
		throw new IllegalArgumentException("class '" + className + "' is not one of the model's classes " + model.classes());
	}

	/** Every plane of a file (one row per slice of a stack or volume, numbered as in the file). */
	public List<Prediction> classify(Path file) throws ImageReadException {
		return classify(file.toString(), file);
	}

	/** As {@link #classify(Path)}, the rows naming the file {@code source} (a copy of a remote file is read under another name). */
	public List<Prediction> classify(String source, Path file) throws ImageReadException {
		ImageData data = read(file);
		return classify(source, data.planes(), data.sliceNumbers());
	}

	/** Every plane of a file, read at the model's input size (pyramid level, huge planes reduced while reading). */
	public ImageData read(Path file) throws ImageReadException {
		return readers.readData(file, new ReadOptions(cut, model.preprocessing().size()));
	}

	@Override
	public void close() {
		weights.close();
		manager.close();
	}
}
