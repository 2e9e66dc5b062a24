package org.duodistill.train;

import org.duodistill.infer.Metrics;
import ai.djl.Device;
import org.duodistill.data.Csv;
import org.duodistill.data.Dataset;
import org.duodistill.data.DatasetException;
import org.duodistill.data.DatasetLoader;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.Sample;
import org.duodistill.data.SkippedFile;
import org.duodistill.data.SlicePolicy;
import org.duodistill.data.Splitter;
import org.duodistill.model.ModelFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One complete {@code train}: read the data, split, get the teacher, train with the method,
 * write the model folder with its reports. Used by the command line and by Fiji alike.
 */
public final class TrainingJob {
	public static final String HISTORY_CSV = "history.csv";
	public static final String SKIPPED_CSV = "skipped-files.csv";
	public static final String METRICS_CSV = "metrics.csv";
	public static final String SPLIT_CSV = "split.csv";
	public static final String IMPORT_REPORT_CSV = "import-report.csv";

	public record Request(Path data, Path output, String teacher, String teacherArch, String studentArch, int size,
			TrainingOptions options, Device device, boolean overwrite, ImageReaders readers, SlicePolicy slices) {
		/** Every slice of stacks and volumes. */
		public Request(Path data, Path output, String teacher, String teacherArch, String studentArch, int size, TrainingOptions options,
				Device device, boolean overwrite, ImageReaders readers) {
			this(data, output, teacher, teacherArch, studentArch, size, options, device, overwrite, readers, SlicePolicy.ALL);
		}
	}

	private TrainingJob() {}

	/** Loads, splits and (for the data-scarce setting) subsamples a labelled dataset. */
	public static Dataset loadDataset(Path data, int size, ImageReaders readers, TrainingOptions options, TrainingListener listener)
			throws DatasetException {
		return loadDataset(data, size, readers, SlicePolicy.ALL, options, listener);
	}

	public static Dataset loadDataset(Path data, int size, ImageReaders readers, SlicePolicy slices, TrainingOptions options,
			TrainingListener listener) throws DatasetException {
		Dataset ds = new DatasetLoader(readers, size, listener::message).withReadProgress(listener::filesRead).withSlicePolicy(slices).load(data, true);
		for (SkippedFile s : ds.skipped()) listener.message("skipped " + s.file() + ": " + s.reason());
		listener.message("import: " + ds.summary());
		ds = Splitter.assign(ds, options.seed(), listener::message); // carves a validation split when the data have train but no val
		return Splitter.subsampleTraining(ds, options.trainFraction(), options.seed());
	}

	public static TrainResult run(Request r, TrainingListener listener) throws IOException, DatasetException {
		return run(r, listener, 1);
	}

	/**
	 * @param divergenceRetries when the loss becomes NaN or infinite, start again (same seed) with
	 *        half the learning rate, at most this many times; the error names the step and the rate
	 */
	public static TrainResult run(Request r, TrainingListener listener, int divergenceRetries) throws IOException, DatasetException {
		return run(r, listener, divergenceRetries, 0, false, List.of());
	}

	/** Where the arguments of a checkpointed run are kept, so that {@code train --resume} repeats them exactly. */
	public static Path runArgumentsFile(Path output) {
		return checkpointFolder(output).resolve("run.json");
	}

	/**
	 * The arguments a checkpointed run was started with (run.json, the command line's form, starting
	 * with {@code train}), or null when {@code output} has no run to resume.
	 */
	public static List<String> runArguments(Path output) throws IOException {
		Path file = runArgumentsFile(output);
		if (!Files.isRegularFile(file)) return null;
		List<String> out = new java.util.ArrayList<>();
		try {
			for (com.google.gson.JsonElement e : com.google.gson.JsonParser.parseString(Files.readString(file)).getAsJsonArray()) out.add(e.getAsString());
		} catch (RuntimeException e) {
			throw new IOException(file + ": not a run's arguments (" + e.getMessage() + ")", e);
		}
		return out;
	}

	/** True when {@code output} holds a model whose run was cancelled (model.json says so). */
	static boolean isCancelledModel(Path output) {
		Path json = output.resolve(ModelFolder.MODEL_JSON);
		if (!Files.isRegularFile(json)) return false;
		try {
			var o = com.google.gson.JsonParser.parseString(Files.readString(json)).getAsJsonObject();
			return o.has("cancelled") && o.get("cancelled").getAsBoolean();
		} catch (IOException | RuntimeException e) {
			return false;
		}
	}

	/** The hidden folder beside the output that holds a run's checkpoints until the model is written. */
	public static Path checkpointFolder(Path output) {
		return ModelFolder.hiddenSibling(output, ".checkpoint");
	}

	/**
	 * @param checkpointEvery write a checkpoint after every so many epochs (0: none)
	 * @param resume continue from the checkpoints of a killed run on the same output
	 */
	public static TrainResult run(Request r, TrainingListener listener, int divergenceRetries, int checkpointEvery, boolean resume,
			List<String> runArguments) throws IOException, DatasetException {
		// a cancelled run wrote its best epoch and kept its checkpoints: resuming replaces that model
		if (resume && !r.overwrite() && isCancelledModel(r.output())) {
			r = new Request(r.data(), r.output(), r.teacher(), r.teacherArch(), r.studentArch(), r.size(), r.options(), r.device(), true,
					r.readers(), r.slices());
		}
		ModelFolder.checkWritable(r.output().toAbsolutePath(), r.overwrite());
		try (org.duodistill.model.OutputLock lock = org.duodistill.model.OutputLock.acquire(r.output(), listener::message)) {
			Path folder = checkpointFolder(r.output());
			try {
				if (!resume) {
					ModelFolder.deleteTree(folder);
					if (checkpointEvery > 0 && !runArguments.isEmpty()) {
						Files.createDirectories(folder);
						com.google.gson.JsonArray saved = new com.google.gson.JsonArray();
						runArguments.forEach(saved::add);
						Files.writeString(runArgumentsFile(r.output()), saved.toString());
					}
				}
				TrainResult result = attempts(r, listener, divergenceRetries, checkpointEvery, resume, folder);
				if (result.cancelled() && Checkpoints.any(folder)) {
					listener.message("cancelled: the model of the best finished epoch is written and the checkpoints in " + folder
							+ " are kept; continue with train --resume " + r.output() + " (Fiji: Resume Training...)");
				} else {
					ModelFolder.deleteTree(folder);
				}
				return result;
			} catch (Throwable t) {
				// A run stopped by its environment (a full disk, memory) keeps what it checkpointed, to be resumed
				// once that is fixed; a diverged run or one that never reached a checkpoint leaves nothing.
				if (!(t instanceof TrainingDiverged) && Checkpoints.any(folder)) {
					listener.message("the checkpoints in " + folder + " are kept: once the problem is fixed, continue with train --resume "
							+ r.output());
				} else {
					ModelFolder.deleteTree(folder);
				}
				throw t;
			}
		}
	}

	/**
	 * Runs the training; after a divergence, continues from the last good checkpoint (rolling back
	 * the epochs since) or, without one, starts again, each time with half the learning rate.
	 */
	private static TrainResult attempts(Request r, TrainingListener listener, int divergenceRetries, int checkpointEvery, boolean resume,
			Path folder) throws IOException, DatasetException {
		Request attempt = r;
		boolean resumeNext = resume;
		for (int retry = 0;; retry++) {
			try {
				Checkpoints c = checkpointEvery > 0 ? new Checkpoints(folder, checkpointEvery, resumeNext) : null;
				return runLocked(attempt, listener, c);
			} catch (TrainingDiverged e) {
				if (retry >= divergenceRetries) throw e; // run() removes the checkpoints of a diverged run
				double lr = attempt.options().learningRate() / 2;
				resumeNext = checkpointEvery > 0 && Checkpoints.any(folder);
				listener.message(e.getMessage() + (resumeNext ? "; rolling back to the last checkpoint and continuing" : "; starting again")
						+ " with --lr " + String.format(java.util.Locale.ROOT, "%.3g", lr) + " (retry " + (retry + 1) + " of " + divergenceRetries + ")");
				attempt = new Request(attempt.data(), attempt.output(), attempt.teacher(), attempt.teacherArch(), attempt.studentArch(),
						attempt.size(), attempt.options().withLearningRate(lr), attempt.device(), attempt.overwrite(), attempt.readers(),
						attempt.slices());
			}
		}
	}

	private static TrainResult runLocked(Request r, TrainingListener listener, Checkpoints checkpoints) throws IOException, DatasetException {
		TeacherLoader.prefetch(TeacherSource.parse(r.teacher()), r.teacherArch(), org.duodistill.hub.HubSettings.fromEnvironment(), listener);
		Dataset ds = loadDataset(r.data(), r.size(), r.readers(), r.slices(), r.options(), listener);
		listener.message(String.format(java.util.Locale.ROOT, "data: %d classes %s; train %d, val %d, test %d images; %d file(s) skipped;"
				+ " volumes cut in %s", ds.numClasses(), ds.classes(), ds.split(org.duodistill.data.Split.TRAIN).size(),
				ds.split(org.duodistill.data.Split.VAL).size(), ds.split(org.duodistill.data.Split.TEST).size(), ds.skipped().size(),
				r.slices().describeCut()));
		try (Pipeline p = new Pipeline(ds, r.options(), r.device(), listener).withCheckpoints(checkpoints)) {
			Teacher teacher = p.prepareTeacher(r.teacher(), r.teacherArch(), r.size());
			TrainResult result = p.trainStudent(r.options().method(), teacher, r.studentArch());
			result.model().provenance().getAsJsonObject("dataset").add("slices", r.slices().toJson());
			List<EpochRecord> history = new java.util.ArrayList<>(teacher.history());
			if (result.method() != Method.TEACHER) history.addAll(result.history());
			ModelFolder.write(r.output(), result.model(), reports(ds, result, history), r.overwrite());
			return result;
		}
	}

	static Map<String, String> reports(Dataset ds, TrainResult result, List<EpochRecord> history) {
		Map<String, String> files = new LinkedHashMap<>();
		StringBuilder h = new StringBuilder(EpochRecord.csvHeader()).append('\n');
		for (EpochRecord e : history) h.append(e.csvRow()).append('\n');
		files.put(HISTORY_CSV, h.toString());
		files.put(SKIPPED_CSV, skippedCsv(ds.skipped()));
		files.put(IMPORT_REPORT_CSV, ds.reportCsv());
		if (result.testMetrics() != null) files.put(METRICS_CSV, result.testMetrics().csv(ds.classes()));
		StringBuilder s = new StringBuilder("file,slice,label,split\n");
		for (Sample x : ds.samples()) s.append(Csv.row(x.file(), x.slice(), ds.classes().get(x.label()), x.split().label())).append('\n');
		files.put(SPLIT_CSV, s.toString());
		return files;
	}

	public static String skippedCsv(List<SkippedFile> skipped) {
		StringBuilder b = new StringBuilder("file,reason\n");
		for (SkippedFile s : skipped) b.append(Csv.row(s.file(), s.reason())).append('\n');
		return b.toString();
	}

	/** {@code metric,value} rows (which split they come from is recorded in model.json). */
}
