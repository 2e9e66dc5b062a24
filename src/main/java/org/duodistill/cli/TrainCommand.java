package org.duodistill.cli;

import ai.djl.Device;
import org.duodistill.data.DatasetException;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.SlicePolicy;
import org.duodistill.model.Architectures;
import org.duodistill.model.Engines;
import org.duodistill.model.ModelSpec;
import org.duodistill.select.ElementSelector;
import org.duodistill.train.Method;
import org.duodistill.train.TrainResult;
import org.duodistill.train.TrainingJob;
import org.duodistill.train.TrainingOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** {@code train}: a labelled folder or CSV in, a model folder out. */
final class TrainCommand {
	static final int DEFAULT_SIZE = 64;
	private static final Set<String> OPTIONS = Set.of("data", "output", "teacher", "method", "teacher-arch", "student-arch", "size",
			"epochs", "batch", "lr", "seed", "train-fraction", "device", "threads", "selector-a", "selector-b", "ema", "ema-half-life", "aux-bn", "plane", "slice-axis",
			"slice-step", "central-slices", "skip-empty", "divergence-retries", "checkpoint-every", "resume", "teacher-channels", "calibrate");
	private static final Set<String> FLAGS = Set.of("hflip", "overwrite", "quiet", "deploy-best-of-a-b", "mutual", "head-probe");

	private TrainCommand() {}

	static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException, DatasetException {
		Args a0 = new Args(argv, 1, OPTIONS, FLAGS);
		String resume = a0.get("resume", null);
		if (resume != null) {
			if (argv.length != 3) throw new UsageException("--resume DIR takes no other options: the run's own are used again");
			Path runFile = TrainingJob.runArgumentsFile(Path.of(resume));
			if (!Files.isRegularFile(runFile)) {
				throw new IllegalArgumentException(resume + ": nothing to resume (no checkpoint of a killed run at " + runFile.getParent() + ")");
			}
			com.google.gson.JsonArray saved = com.google.gson.JsonParser.parseString(Files.readString(runFile)).getAsJsonArray();
			String[] again = new String[saved.size()];
			for (int i = 0; i < again.length; i++) again[i] = saved.get(i).getAsString();
			return run(again, out, err, true);
		}
		return run(argv, out, err, false);
	}

	private static int run(String[] argv, PrintStream out, PrintStream err, boolean resuming) throws UsageException, IOException, DatasetException {
		Args a = new Args(argv, 1, OPTIONS, FLAGS);
		Path data = Path.of(a.required("data"));
		Path output = Path.of(a.required("output"));
		TrainingOptions options;
		SlicePolicy slices = slicePolicy(a);
		try {
			options = options(a);
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage()); // unknown method or selector, out-of-range number: wrong words
		}
		String teacherArch = a.get("teacher-arch", null);
		String studentArch = a.get("student-arch", org.duodistill.train.TeacherCatalogue.defaultStudent(a.get("teacher", "auto")));
		// Validate names before any data is read, so a typo fails in a second, not after loading.
		ModelSpec student;
		try {
			student = Architectures.parse(studentArch, 1, 2);
			if (teacherArch != null) Architectures.parse(teacherArch, 1, 2);
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
		try {
			org.duodistill.train.TeacherSource.parse(a.get("teacher", "auto")); // a malformed hf-hub: reference is a usage error
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
		if (options.method() != Method.TEACHER && options.method() != Method.RANDOM && a.get("teacher", "auto").equals("auto")) {
			// An auto teacher's architecture is known now; an imported one only once it is read.
			String why = student.incompatibilityWith(Architectures.parse(teacherArch == null ? Architectures.DEFAULT_TEACHER : teacherArch, 1, 2));
			if (why != null) throw new IllegalArgumentException(why);
		}
		Main.configureEngine(a);
		Device device = Engines.device(a.get("device", "auto"));
		ConsoleListener listener = new ConsoleListener(err, a.flag("quiet"));
		TrainingJob.Request request = new TrainingJob.Request(data, output, a.get("teacher", "auto"), teacherArch, studentArch,
				a.integer("size", DEFAULT_SIZE), options, device, a.flag("overwrite"), ImageReaders.standard(), slices);
		int retries = (int) a.number("divergence-retries", 1);
		if (retries < 0) throw new UsageException("--divergence-retries must be >= 0, got " + retries);
		int every = a.integer("checkpoint-every", 1);
		if (every < 0) throw new UsageException("--checkpoint-every must be >= 0 (0: no checkpoints), got " + every);
		if (resuming) err.println("resuming " + output + " from its checkpoints");
		TrainResult r;
		try {
			r = TrainingJob.run(request, listener, retries, every, resuming, java.util.List.of(argv));
		} catch (OutOfMemoryError | ai.djl.engine.EngineException e) {
			OutOfMemory oom = OutOfMemory.of(e, options.batchSize(), request.size());
			if (oom == null) throw e;
			throw oom;
		}
		out.println(String.format(Locale.ROOT, "%s: %s %s; %s accuracy %.4f, macro-F1 %.4f, balanced accuracy %.4f, macro AUC %.4f (n=%d); best epoch %d; %.1f s%s",
				output, r.method().id(), r.model().spec().describe(), r.evaluatedOn(),
				r.testMetrics() == null ? Double.NaN : r.testMetrics().accuracy(), r.testMetrics() == null ? Double.NaN : r.testMetrics().macroF1(),
				r.testMetrics() == null ? Double.NaN : r.testMetrics().balancedAccuracy(), r.testMetrics() == null ? Double.NaN : r.testMetrics().macroAuc(),
				r.testMetrics() == null ? 0 : r.testMetrics().n(), r.bestEpoch(), r.seconds(), r.cancelled() ? " (cancelled)" : ""));
		return 0;
	}

	/**
	 * --plane axial|coronal|sagittal (default axial) or --slice-axis x|y|z, --slice-step K,
	 * --central-slices N, --skip-empty F for stacks and volumes.
	 */
	static SlicePolicy slicePolicy(Args a) throws UsageException {
		SlicePolicy cut = cut(a);
		if (cut == null) cut = SlicePolicy.ALL;
		try {
			return new SlicePolicy(cut.axis(), cut.plane(), a.integer("slice-step", 1), a.integer("central-slices", 0), a.number("skip-empty", 0));
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
	}

	/**
	 * The anatomical plane (--plane) or storage axis (--slice-axis) to cut volumes in, every slice;
	 * null when neither is given (training: axial; classify, evaluate, explain: the model's).
	 */
	static SlicePolicy cut(Args a) throws UsageException {
		if (a.has("plane") && a.has("slice-axis")) {
			throw new UsageException("give either --plane axial|coronal|sagittal (by anatomy, for volumes with an orientation)"
					+ " or --slice-axis x|y|z (the file's storage axes, for stacks without anatomy), not both");
		}
		try {
			if (a.has("plane")) return new SlicePolicy(org.duodistill.data.AnatomicalPlane.parse(a.get("plane", "")), 1, 0, 0);
			if (a.has("slice-axis")) return new SlicePolicy(SlicePolicy.axisIndex(a.get("slice-axis", "")), 1, 0, 0);
			return null;
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
	}

	static TrainingOptions options(Args a) throws UsageException {
		TrainingOptions o = TrainingOptions.defaults();
		o = o.withMethod(Method.parse(a.get("method", o.method().id())));
		o = o.withEpochs(a.integer("epochs", o.epochs()));
		o = o.withBatch(a.integer("batch", o.batchSize()));
		o = o.withLearningRate(a.number("lr", o.learningRate()));
		o = o.withSeed(a.integer("seed", (int) o.seed()));
		o = o.withTrainFraction(a.number("train-fraction", o.trainFraction()));
		o = o.withHorizontalFlip(a.flag("hflip"));
		o = o.withDeployBestOfAB(a.flag("deploy-best-of-a-b", o.deployBestOfAB()));
		o = o.withMutual(a.flag("mutual", o.mutual()));
		if (a.has("ema") && a.has("ema-half-life")) throw new UsageException("give either --ema M (fixed) or --ema-half-life F, not both");
		if (a.has("ema")) o = o.withEmaMomentum(a.number("ema", 0));
		if (a.has("ema-half-life")) o = o.withEma(org.duodistill.train.EmaSchedule.halfLife(a.number("ema-half-life", 0)));
		o = o.withAuxiliaryNorm(TrainingOptions.AuxiliaryNorm.parse(a.get("aux-bn", o.auxiliaryNorm().id())));
		o = o.withProbeHeads(a.flag("head-probe"));
		o = o.withTeacherChannels(TrainingOptions.TeacherChannels.parse(a.get("teacher-channels", o.teacherChannels().id())));
		o = o.withCalibrate(calibrates(a));
		o = o.withSelectors(ElementSelector.parse(a.get("selector-a", o.selectorA().describe())),
				ElementSelector.parse(a.get("selector-b", o.selectorB().describe())));
		return o;
	}

	/** {@code --calibrate temperature} (the default) or {@code none}; train and study take it. */
	static boolean calibrates(Args a) throws UsageException {
		try {
			return TrainingOptions.calibrates(a.get("calibrate", "temperature"));
		} catch (IllegalArgumentException e) {
			throw new UsageException("--" + e.getMessage());
		}
	}

	/** Memory ran out (Java heap, or libtorch's native allocator): said with the batch and input size in use. */
	static final class OutOfMemory extends RuntimeException {
		private static final long serialVersionUID = 1L;

		OutOfMemory(String message, Throwable cause) {
			super(message, cause);
		}

		/** The error to report, or null when {@code e} is not about memory. */
		static OutOfMemory of(Throwable e, int batch, int size) {
			String msg = e.getMessage() == null ? "" : e.getMessage();
			boolean heap = e instanceof OutOfMemoryError;
			boolean natives = !heap && (msg.contains("not enough memory") || msg.contains("can't allocate memory") || msg.contains("DefaultCPUAllocator")
					|| msg.contains("out of memory"));
			if (!heap && !natives) return null;
			String where = heap ? "the Java heap (" + (Runtime.getRuntime().maxMemory() >> 20) + " MB)" : "native memory (libtorch)";
			return new OutOfMemory(String.format(java.util.Locale.ROOT,
					"out of memory in %s while training with --batch %d at --size %d px; lower --batch (e.g. %d) or --size, use a smaller"
							+ " --student-arch/--teacher-arch%s", where, batch, size, Math.max(2, batch / 2),
					heap ? ", or give Java more memory (JAVA_OPTS=-Xmx8g)" : ""), e);
		}
	}
}
