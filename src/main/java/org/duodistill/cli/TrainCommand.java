package org.duodistill.cli;

import ai.djl.Device;
import org.duodistill.data.DatasetException;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.SlicePolicy;
import org.duodistill.model.Architectures;
import org.duodistill.model.ModelSpec;
import org.duodistill.select.ElementSelector;
import org.duodistill.train.Method;
import org.duodistill.train.TrainResult;
import org.duodistill.train.TrainingJob;
import org.duodistill.train.TrainingOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code train}: a labelled folder or CSV in, a model folder out. */
@Command(name = "train", customSynopsis = {"duodistill train --data DIR|CSV --output MODEL_DIR [OPTIONS]",
		"       duodistill train --resume MODEL_DIR [--quiet]   (continue a killed run with its own options)"},
		description = {"Trains a student from a teacher and writes the model folder.",
				"Dual-model weight selection and self-knowledge distillation (or a baseline method); prints one line",
				"with the test metrics."})
final class TrainCommand implements Callable<Integer> {
	static final int DEFAULT_SIZE = 64;

	private final Streams io;

	@Mixin HelpOption help;

	@Option(names = "--data", paramLabel = "DIR|CSV", description = "labelled images: one sub-folder per class (optionally under train/ val/ test/), or a CSV path,label[,split]")
	String data;

	@Option(names = "--output", paramLabel = "MODEL_DIR", description = "the model folder to write (never replaced without --overwrite)")
	String output;

	@Option(names = "--resume", paramLabel = "MODEL_DIR", description = "continue a killed run on MODEL_DIR from its checkpoints, with the run's own options")
	String resume;

	@Option(names = "--teacher", paramLabel = "auto|FILE|MODEL_DIR|hf-hub:ORG/NAME[@REV]", defaultValue = "auto",
			description = "auto trains one here first; a .safetensors/.npz checkpoint, a larger model folder, or a timm repo on the Hugging Face Hub (default: ${DEFAULT-VALUE})")
	String teacher = "auto";

	@Option(names = "--method", paramLabel = "M", defaultValue = "dual-skd", completionCandidates = Candidates.Methods.class,
			description = "dual-skd, single-ws, ws-ema, random, kd or teacher (default: ${DEFAULT-VALUE})")
	String method = "dual-skd";

	@Option(names = "--teacher-arch", paramLabel = "A", description = "the auto teacher's architecture (default: " + Architectures.DEFAULT_TEACHER + ")")
	String teacherArch;

	@Option(names = "--student-arch", paramLabel = "A",
			description = "the student's architecture, of the teacher's family (default: the catalogue teacher's own student, else " + Architectures.DEFAULT_STUDENT + ")")
	String studentArch;

	@Option(names = "--size", paramLabel = "N", defaultValue = "" + DEFAULT_SIZE, description = "network input size: every image is resized to N x N (default: ${DEFAULT-VALUE})")
	int size = DEFAULT_SIZE;

	@Option(names = "--epochs", paramLabel = "N", defaultValue = "30", description = "total epochs, the same for every method (default: ${DEFAULT-VALUE})")
	int epochs = 30;

	@Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "batch size (default: ${DEFAULT-VALUE})")
	int batch = 32;

	@Option(names = "--lr", paramLabel = "X", defaultValue = "1e-3", description = "AdamW's peak learning rate, cosine schedule (default: ${DEFAULT-VALUE})")
	double lr = 1e-3;

	@Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "seed of the split, the initialisation and the augmentation (default: ${DEFAULT-VALUE})")
	int seed = 42;

	@Option(names = "--train-fraction", paramLabel = "F", defaultValue = "1", description = "keep this stratified fraction of the training split (default: ${DEFAULT-VALUE})")
	double trainFraction = 1;

	@Mixin EngineOptions engine;

	@Option(names = "--selector-a", paramLabel = "S", defaultValue = "uniform(0)", description = "student A's element selector: uniform(o), consecutive(o) or random(seed) (default: ${DEFAULT-VALUE})")
	String selectorA = "uniform(0)";

	@Option(names = "--selector-b", paramLabel = "S", defaultValue = "uniform(1)", description = "student B's element selector (default: ${DEFAULT-VALUE})")
	String selectorB = "uniform(1)";

	@Option(names = "--ema", paramLabel = "M", description = "a fixed EMA momentum for the auxiliary teacher instead of the half-life rule")
	Double ema;

	@Option(names = "--ema-half-life", paramLabel = "F", description = "the auxiliary teacher's half-life as a fraction of the SKD stage's steps (default: 0.1)")
	Double emaHalfLife;

	@Option(names = "--aux-bn", paramLabel = "recalibrate|ema", defaultValue = "recalibrate", completionCandidates = Candidates.AuxiliaryNorms.class,
			description = "the auxiliary teacher's BatchNorm statistics: re-estimated for its weights, or averaged with them (default: ${DEFAULT-VALUE})")
	String auxBn = "recalibrate";

	@Option(names = "--hflip", description = "allow horizontal flips in augmentation (default: off: laterality matters)")
	boolean hflip;

	@Option(names = "--overwrite", description = "replace an existing non-empty output folder")
	boolean overwrite;

	@Mixin SliceOptions slices;

	@Option(names = "--deploy-best-of-a-b", defaultValue = "true", paramLabel = "[=false]", hideParamSyntax = true,
			description = "SKD methods: deploy whichever of A and B validated better; --deploy-best-of-a-b=false always deploys A (default: on)")
	Boolean deployBestOfAB;

	@Option(names = "--mutual", defaultValue = "true", paramLabel = "[=false]", hideParamSyntax = true,
			description = "dual-skd: A and B both trained, each distilling from the other's EMA; --mutual=false trains A alone with B as its EMA (default: on)")
	Boolean mutual;

	@Option(names = "--head-probe", description = "start weight-selected students with a head fitted to their features (default: off)")
	boolean headProbe;

	@Option(names = "--divergence-retries", paramLabel = "N", defaultValue = "1",
			description = "when the loss becomes NaN, roll back with half the learning rate at most N times (default: ${DEFAULT-VALUE})")
	int divergenceRetries = 1;

	@Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "1", description = "checkpoint after every N epochs, for --resume (default: ${DEFAULT-VALUE}; 0: none)")
	int checkpointEvery = 1;

	@Option(names = "--teacher-channels", paramLabel = "sum|replicate", defaultValue = "sum", completionCandidates = Candidates.TeacherChannels.class,
			description = "an RGB teacher on grey images: its first convolution summed over colour, or the image replicated (default: ${DEFAULT-VALUE})")
	String teacherChannels = "sum";

	@Option(names = "--calibrate", paramLabel = "temperature|none", defaultValue = "temperature", completionCandidates = Candidates.Calibrations.class,
			description = "fit a temperature on the validation split after training (default: ${DEFAULT-VALUE})")
	String calibrate = "temperature";

	@Mixin Presentation presentation;

	@Spec CommandSpec spec;

	TrainCommand(Streams io) {
		this.io = io;
	}

	/** Options that only change what is shown, which {@code --resume} takes beside the run's own. */
	private static final Set<String> PRESENTATION = Set.of("--resume", "--quiet", "--progress-every", "--help");

	@Override
	public Integer call() throws UsageException, IOException, DatasetException {
		if (resume != null) {
			for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
				if (!PRESENTATION.contains(o.longestName())) {
					throw new UsageException("--resume DIR takes no other options than --quiet and --progress-every: the run's own are used again (got "
							+ o.longestName() + ")");
				}
			}
			Path runFile = TrainingJob.runArgumentsFile(Path.of(resume));
			if (!Files.isRegularFile(runFile)) {
				throw new IllegalArgumentException(resume + ": nothing to resume (no checkpoint of a killed run at " + runFile.getParent() + ")");
			}
			com.google.gson.JsonArray saved = com.google.gson.JsonParser.parseString(Files.readString(runFile)).getAsJsonArray();
			String[] again = new String[saved.size()];
			for (int i = 0; i < again.length; i++) again[i] = saved.get(i).getAsString();
			CommandLine cl = Main.commandLine(io);
			TrainCommand run;
			try {
				run = (TrainCommand) CommandLines.leaf(cl.parseArgs(again)).getCommand();
			} catch (CommandLine.ParameterException e) {
				throw new IllegalArgumentException(runFile + ": the saved arguments no longer parse (" + CommandLines.reason(e) + ")");
			}
			run.presentation.copyFrom(presentation);
			return run.train(again, true);
		}
		return train(originalArgs(), false);
	}

	/** The arguments as given, "train" first: saved with the checkpoints for --resume. */
	private String[] originalArgs() {
		List<String> all = spec.commandLine().getParseResult().originalArgs();
		int at = all.indexOf("train");
		return all.subList(Math.max(0, at), all.size()).toArray(new String[0]);
	}

	private int train(String[] argv, boolean resuming) throws UsageException, IOException, DatasetException {
		if (data == null || data.isBlank()) throw new UsageException("--data is required");
		if (output == null || output.isBlank()) throw new UsageException("--output is required");
		Path dataPath = Path.of(data);
		Path outputPath = Path.of(output);
		SlicePolicy slicePolicy = slices.policy();
		TrainingOptions options;
		try {
			options = options();
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage()); // unknown method or selector, out-of-range number: wrong words
		}
		String student = studentArch != null ? studentArch : org.duodistill.train.TeacherCatalogue.defaultStudent(teacher);
		// Validate names before any data is read, so a typo fails in a second, not after loading.
		ModelSpec studentSpec;
		try {
			studentSpec = Architectures.parse(student, 1, 2);
			if (teacherArch != null) Architectures.parse(teacherArch, 1, 2);
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
		try {
			org.duodistill.train.TeacherSource.parse(teacher); // a malformed hf-hub: reference is a usage error
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
		if (options.method() != Method.TEACHER && options.method() != Method.RANDOM && teacher.equals("auto")) {
			// An auto teacher's architecture is known now; an imported one only once it is read.
			String why = studentSpec.incompatibilityWith(Architectures.parse(teacherArch == null ? Architectures.DEFAULT_TEACHER : teacherArch, 1, 2));
			if (why != null) throw new IllegalArgumentException(why);
		}
		if (divergenceRetries < 0) throw new UsageException("--divergence-retries must be >= 0, got " + divergenceRetries);
		if (checkpointEvery < 0) throw new UsageException("--checkpoint-every must be >= 0 (0: no checkpoints), got " + checkpointEvery);
		Device device = engine.configure();
		ConsoleListener listener = new ConsoleListener(presentation.statusLine(io), presentation.quiet);
		TrainingJob.Request request = new TrainingJob.Request(dataPath, outputPath, teacher, teacherArch, student, size, options, device, overwrite,
				ImageReaders.standard(), slicePolicy);
		if (resuming) listener.message("resuming " + outputPath + " from its checkpoints");
		TrainResult r;
		try {
			r = TrainingJob.run(request, listener, divergenceRetries, checkpointEvery, resuming, List.of(argv));
		} catch (OutOfMemoryError | ai.djl.engine.EngineException e) {
			OutOfMemory oom = OutOfMemory.of(e, options.batchSize(), request.size());
			if (oom == null) throw e;
			throw oom;
		} finally {
			listener.close();
		}
		io.out().println(String.format(Locale.ROOT, "%s: %s %s; %s accuracy %.4f, macro-F1 %.4f, balanced accuracy %.4f, macro AUC %.4f (n=%d); best epoch %d; %.1f s%s",
				outputPath, r.method().id(), r.model().spec().describe(), r.evaluatedOn(),
				r.testMetrics() == null ? Double.NaN : r.testMetrics().accuracy(), r.testMetrics() == null ? Double.NaN : r.testMetrics().macroF1(),
				r.testMetrics() == null ? Double.NaN : r.testMetrics().balancedAccuracy(), r.testMetrics() == null ? Double.NaN : r.testMetrics().macroAuc(),
				r.testMetrics() == null ? 0 : r.testMetrics().n(), r.bestEpoch(), r.seconds(), r.cancelled() ? " (cancelled)" : ""));
		return 0;
	}

	TrainingOptions options() throws UsageException {
		TrainingOptions o = TrainingOptions.defaults();
		o = o.withMethod(Method.parse(method));
		o = o.withEpochs(epochs);
		o = o.withBatch(batch);
		o = o.withLearningRate(lr);
		o = o.withSeed(seed);
		o = o.withTrainFraction(trainFraction);
		o = o.withHorizontalFlip(hflip);
		if (deployBestOfAB != null) o = o.withDeployBestOfAB(deployBestOfAB);
		if (mutual != null) o = o.withMutual(mutual);
		if (ema != null && emaHalfLife != null) throw new UsageException("give either --ema M (fixed) or --ema-half-life F, not both");
		if (ema != null) o = o.withEmaMomentum(ema);
		if (emaHalfLife != null) o = o.withEma(org.duodistill.train.EmaSchedule.halfLife(emaHalfLife));
		o = o.withAuxiliaryNorm(TrainingOptions.AuxiliaryNorm.parse(auxBn));
		o = o.withProbeHeads(headProbe);
		o = o.withTeacherChannels(TrainingOptions.TeacherChannels.parse(teacherChannels));
		o = o.withCalibrate(calibrates(calibrate));
		o = o.withSelectors(ElementSelector.parse(selectorA), ElementSelector.parse(selectorB));
		return o;
	}

	/** {@code --calibrate temperature} (the default) or {@code none}; train and study take it. */
	static boolean calibrates(String calibrate) throws UsageException {
		try {
			return TrainingOptions.calibrates(calibrate);
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
