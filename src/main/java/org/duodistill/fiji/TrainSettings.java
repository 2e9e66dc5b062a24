package org.duodistill.fiji;

import org.duodistill.data.AnatomicalPlane;
import org.duodistill.data.SlicePolicy;
import org.duodistill.select.ElementSelector;
import org.duodistill.train.EmaSchedule;
import org.duodistill.train.Method;
import org.duodistill.train.TrainingOptions;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of a {@code train} run as the Fiji commands hold it, named as the command line
 * names it ({@code train_fraction} is {@code --train-fraction}). A run is recorded in its
 * checkpoint folder in the command line's form ({@link #arguments}), so that {@code train --resume}
 * and Resume Training... both continue a run started from either; {@link #fromArguments} reads that
 * form back. The defaults are the command line's.
 */
final class TrainSettings {
	File data;
	File output;
	String method = Method.DUAL_SKD.id();
	/** The {@code --teacher} value: auto, hf-hub:..., or a path. */
	String teacher = "auto";
	/** Only for an auto teacher; null: the command line's default. */
	String teacherArch;
	String studentArch;
	String teacherChannels = TrainingOptions.TeacherChannels.SUM.id();
	int size = 64;
	int epochs = 30;
	int batch = 32;
	double lr = 1e-3;
	int seed = 42;
	double trainFraction = 1.0;
	String calibrate = "temperature";
	String device = "auto";
	boolean hflip;
	boolean overwrite;
	/** Default: axial planes, every slice, as the command line's. */
	SlicePolicy slices = SlicePolicy.ALL;
	// the method's options: --ema-half-life F or --ema M, --aux-bn, --mutual, --deploy-best-of-a-b, --head-probe, selectors
	double emaHalfLife = TrainingOptions.DEFAULT_EMA_HALF_LIFE;
	/** A fixed EMA momentum; NaN: the half-life rule. */
	double emaMomentum = Double.NaN;
	String auxBn = TrainingOptions.AuxiliaryNorm.RECALIBRATE.id();
	boolean mutual = TrainingOptions.defaults().mutual();
	boolean deployBestOfAB = TrainingOptions.defaults().deployBestOfAB();
	boolean headProbe = TrainingOptions.defaults().probeHeads();
	String selectorA = TrainingOptions.defaults().selectorA().describe();
	String selectorB = TrainingOptions.defaults().selectorB().describe();
	// how the run is carried out
	int checkpointEvery = 1;
	int divergenceRetries = 1;
	/** Engine threads; 0: the engine's default. Fixed per Fiji session once the engine has loaded. */
	int threads;

	/** The training options these settings stand for (the same the command line derives from {@link #arguments}). */
	TrainingOptions options() {
		TrainingOptions o = TrainingOptions.defaults().withMethod(Method.parse(method)).withEpochs(epochs).withBatch(batch).withLearningRate(lr)
				.withSeed(seed).withTrainFraction(trainFraction).withHorizontalFlip(hflip).withDeployBestOfAB(deployBestOfAB).withMutual(mutual)
				.withAuxiliaryNorm(TrainingOptions.AuxiliaryNorm.parse(auxBn)).withProbeHeads(headProbe)
				.withTeacherChannels(TrainingOptions.TeacherChannels.parse(teacherChannels))
				.withCalibrate(TrainingOptions.calibrates(calibrate))
				.withSelectors(ElementSelector.parse(selectorA), ElementSelector.parse(selectorB));
		o = Double.isNaN(emaMomentum) ? o.withEma(EmaSchedule.halfLife(emaHalfLife)) : o.withEmaMomentum(emaMomentum);
		return o;
	}

	/** Checks what the run would refuse later, before any work. */
	void check() {
		options();
		if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint_every must be >= 0 (0: no checkpoints), got " + checkpointEvery);
		if (divergenceRetries < 0) throw new IllegalArgumentException("divergence_retries must be >= 0, got " + divergenceRetries);
		if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0: the engine's default), got " + threads);
	}

	/** The run as {@code duodistill train} arguments, {@code train} first: what run.json records. */
	List<String> arguments() {
		List<String> a = new ArrayList<>(List.of("train"));
		add(a, "data", data.getPath());
		add(a, "output", output.getPath());
		add(a, "method", method);
		add(a, "teacher", teacher);
		if (teacherArch != null) add(a, "teacher-arch", teacherArch);
		if (studentArch != null) add(a, "student-arch", studentArch);
		add(a, "teacher-channels", teacherChannels);
		add(a, "size", size);
		add(a, "epochs", epochs);
		add(a, "batch", batch);
		add(a, "lr", lr);
		add(a, "seed", seed);
		add(a, "train-fraction", trainFraction);
		add(a, "calibrate", calibrate);
		add(a, "device", device);
		if (threads > 0) add(a, "threads", threads);
		// the command line refuses both: an anatomical cut is a plane, a storage one an axis
		if (slices.anatomical()) add(a, "plane", slices.plane().id);
		else add(a, "slice-axis", slices.axisName());
		add(a, "slice-step", slices.step());
		add(a, "central-slices", slices.central());
		add(a, "skip-empty", slices.emptyThreshold());
		if (Double.isNaN(emaMomentum)) add(a, "ema-half-life", emaHalfLife);
		else add(a, "ema", emaMomentum);
		add(a, "aux-bn", auxBn);
		add(a, "selector-a", selectorA);
		add(a, "selector-b", selectorB);
		add(a, "checkpoint-every", checkpointEvery);
		add(a, "divergence-retries", divergenceRetries);
		a.add("--hflip=" + hflip);
		a.add("--overwrite=" + overwrite);
		a.add("--mutual=" + mutual);
		a.add("--deploy-best-of-a-b=" + deployBestOfAB);
		a.add("--head-probe=" + headProbe);
		return a;
	}

	private static void add(List<String> a, String name, Object value) {
		a.add("--" + name);
		a.add(value instanceof Double d ? number(d) : String.valueOf(value));
	}

	/** Shortest text that reads back as the same double. */
	private static String number(double d) {
		return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
	}

	/**
	 * Settings from {@code train} arguments (run.json of a run started here or on the command line);
	 * an option this form does not know is refused, naming it.
	 */
	static TrainSettings fromArguments(List<String> argv) {
		Map<String, String> v = new LinkedHashMap<>();
		for (int i = argv.isEmpty() || !argv.get(0).equals("train") ? 0 : 1; i < argv.size(); i++) {
			String a = argv.get(i);
			if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "' in the run's arguments");
			String name = a.substring(2);
			int eq = name.indexOf('=');
			if (eq >= 0) {
				v.put(name.substring(0, eq), name.substring(eq + 1));
			} else if (FLAGS.contains(name)) {
				v.put(name, "true");
			} else {
				if (i + 1 >= argv.size()) throw new IllegalArgumentException("--" + name + " needs a value");
				v.put(name, argv.get(++i));
			}
		}
		if (v.containsKey("plane") && v.containsKey("slice-axis")) {
			throw new IllegalArgumentException("the run's arguments give both --plane and --slice-axis; a run cuts volumes in one of them");
		}
		TrainSettings s = new TrainSettings();
		for (Map.Entry<String, String> e : v.entrySet()) s.set(e.getKey(), e.getValue());
		if (s.data == null || s.output == null) throw new IllegalArgumentException("the run's arguments lack --data or --output");
		return s;
	}

	private static final java.util.Set<String> FLAGS = java.util.Set.of("hflip", "overwrite", "quiet", "deploy-best-of-a-b", "mutual", "head-probe");

	private void set(String name, String value) {
		String x = value.trim();
		switch (name) {
			case "data" -> data = new File(value);
			case "output" -> output = new File(value);
			case "method" -> method = x;
			case "teacher" -> teacher = x;
			case "teacher-arch" -> teacherArch = x;
			case "student-arch" -> studentArch = x;
			case "teacher-channels" -> teacherChannels = x;
			case "size" -> size = Integer.parseInt(x);
			case "epochs" -> epochs = Integer.parseInt(x);
			case "batch" -> batch = Integer.parseInt(x);
			case "lr" -> lr = Double.parseDouble(x);
			case "seed" -> seed = Integer.parseInt(x);
			case "train-fraction" -> trainFraction = Double.parseDouble(x);
			case "calibrate" -> calibrate = x;
			case "device" -> device = x;
			case "threads" -> threads = Integer.parseInt(x);
			case "plane" -> slices = slices.withPlane(AnatomicalPlane.parse(x));
			case "slice-axis" -> slices = slices.withStorageAxis(SlicePolicy.axisIndex(x));
			case "slice-step" -> slices = new SlicePolicy(slices.axis(), slices.plane(), Integer.parseInt(x), slices.central(), slices.emptyThreshold());
			case "central-slices" -> slices = new SlicePolicy(slices.axis(), slices.plane(), slices.step(), Integer.parseInt(x), slices.emptyThreshold());
			case "skip-empty" -> slices = new SlicePolicy(slices.axis(), slices.plane(), slices.step(), slices.central(), Double.parseDouble(x));
			case "ema-half-life" -> emaHalfLife = Double.parseDouble(x);
			case "ema" -> emaMomentum = Double.parseDouble(x);
			case "aux-bn" -> auxBn = x;
			case "selector-a" -> selectorA = x;
			case "selector-b" -> selectorB = x;
			case "checkpoint-every" -> checkpointEvery = Integer.parseInt(x);
			case "divergence-retries" -> divergenceRetries = Integer.parseInt(x);
			case "hflip" -> hflip = Boolean.parseBoolean(x);
			case "overwrite" -> overwrite = Boolean.parseBoolean(x);
			case "mutual" -> mutual = Boolean.parseBoolean(x);
			case "deploy-best-of-a-b" -> deployBestOfAB = Boolean.parseBoolean(x);
			case "head-probe" -> headProbe = Boolean.parseBoolean(x);
			case "quiet" -> { } // console output only
			default -> throw new IllegalArgumentException("the run's arguments have --" + name + ", which Resume Training does not know");
		}
	}
}
