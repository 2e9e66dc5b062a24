package org.duodistill.train;

import org.duodistill.infer.Calibration;
import org.duodistill.infer.Evaluation;
import org.duodistill.infer.Metrics;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import org.duodistill.data.Augmentation;
import org.duodistill.data.Dataset;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.Sample;
import org.duodistill.data.Split;
import org.duodistill.model.Architectures;
import org.duodistill.hub.HubSettings;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.SavedModel;
import org.duodistill.model.WeightInit;
import org.duodistill.select.WeightSelection;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The method end to end (METHOD.md): get the teacher, initialise students by weight selection,
 * train with the chosen method, pick the best checkpoint, test. UI-free; the CLI and the Fiji
 * commands are thin adapters over it.
 */
public final class Pipeline implements AutoCloseable {
	private final Dataset dataset;
	private final TrainingOptions options;
	private final Device device;
	private final NDManager manager;
	private final TrainingListener listener;
	/** Where Hub teachers come from and are cached. */
	private HubSettings hubSettings;

	/** @param dataset already split (see {@link org.duodistill.data.Splitter}) */
	private Checkpoints checkpoints;

	/** Every trainer of this pipeline checkpoints into (and resumes from) {@code c}; null: none. */
	public Pipeline withCheckpoints(Checkpoints c) {
		this.checkpoints = c;
		return this;
	}

	public Pipeline(Dataset dataset, TrainingOptions options, Device device, TrainingListener listener) {
		this.hubSettings = HubSettings.fromEnvironment();
		this.dataset = dataset;
		this.options = options;
		this.device = device;
		this.manager = org.duodistill.model.Engines.engine().newBaseManager(device);
		this.listener = listener == null ? TrainingListener.NONE : listener;
		if (dataset.split(Split.TRAIN).size() < 2) {
			throw new IllegalArgumentException("the training split has " + dataset.split(Split.TRAIN).size() + " images; at least 2 are needed");
		}
	}

	/**
	 * @param teacher {@code auto}, a {@code .safetensors}/{@code .npz} checkpoint, a DuoDistill model
	 *        folder or {@code hf-hub:ORG/NAME[@REVISION]} ({@link TeacherSource})
	 * @param teacherArch architecture of an auto teacher, or the expected one of an imported checkpoint (null: infer)
	 */
	public Teacher prepareTeacher(String teacher, String teacherArch, int size) throws IOException {
		TeacherSource source = TeacherSource.parse(teacher);
		if (!source.isAuto()) {
			return new TeacherLoader(dataset, options, listener, ch -> datasetPreprocessing(size, ch), hubSettings).load(source, teacherArch, size);
		}
		int k = dataset.numClasses();
		int channels = dataset.hasColour() ? 3 : 1;
		ModelSpec spec = Architectures.parse(teacherArch == null ? Architectures.DEFAULT_TEACHER : teacherArch, channels, k).withImageSize(size);
		Preprocessing prep = datasetPreprocessing(size, channels);
		if (options.method() == Method.RANDOM) {
			// Random initialisation takes nothing from a teacher; training one here only cost time.
			JsonObject none = new JsonObject();
			none.addProperty("kind", "none");
			return new Teacher(spec, WeightInit.random(spec, options.seed() + 1), "none", "none", false, prep, List.of(), 0, null, none);
		}
		listener.message("training teacher " + spec.describe() + " on " + dataset.split(Split.TRAIN).size() + " images (auto)");
		if (options.method() != Method.TEACHER) listener.message(AUTO_COSTS);
		JsonObject origin = new JsonObject();
		origin.addProperty("kind", "auto");
		Teacher untrained = new Teacher(spec, WeightInit.random(spec, options.seed() + 1), "auto", "auto:" + dataset.fingerprint(),
				false, prep, List.of(), 0, null, origin);
		return trainTeacher(untrained);
	}

	/** Said whenever students learn from a teacher trained here: what it costs them, and the way out. */
	public static final String AUTO_COSTS = "note: a teacher trained only on these images has little to pass on (weight selection gained"
			+ " nothing from one in our study, against 10-18 points macro-F1 from a pretrained teacher); `duodistill teachers` lists"
			+ " pretrained ones (--teacher hf-hub:...)";

	/** Where Hub teachers come from and are cached; by default the environment's (HF_ENDPOINT, HF_HUB_CACHE, ...). */
	public Pipeline withHubSettings(HubSettings settings) {
		this.hubSettings = settings;
		return this;
	}

	/** Mean and standard deviation of the training images per model channel. */
	public Preprocessing datasetPreprocessing(int size, int channels) {
		Preprocessing unit = new Preprocessing(size, channels, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH,
				filled(channels, 0f), filled(channels, 1f));
		double[] sum = new double[channels];
		double[] sq = new double[channels];
		long per = (long) size * size;
		long count = 0;
		for (Sample s : dataset.split(Split.TRAIN)) {
			float[] x = unit.normalise(s.scaled(), s.channels());
			for (int c = 0; c < channels; c++) {
				for (int i = 0; i < per; i++) {
					double v = x[(int) (c * per + i)];
					sum[c] += v;
					sq[c] += v * v;
				}
			}
			count += per;
		}
		float[] mean = new float[channels];
		float[] std = new float[channels];
		for (int c = 0; c < channels; c++) {
			mean[c] = (float) (sum[c] / count);
			std[c] = (float) Math.max(1e-3, Math.sqrt(Math.max(0, sq[c] / count - mean[c] * (double) mean[c])));
		}
		return new Preprocessing(size, channels, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH, mean, std);
	}

	private static float[] filled(int n, float v) {
		float[] a = new float[n];
		java.util.Arrays.fill(a, v);
		return a;
	}

	/** Trains (or fine-tunes, with a fresh head) the teacher on the training split with cross-entropy. */
	public Teacher trainTeacher(Teacher t) {
		long t0 = System.nanoTime();
		ModelSpec spec = t.spec().withClasses(dataset.numClasses());
		LinkedHashMap<String, HostTensor> w = new LinkedHashMap<>(t.weights());
		if (!t.trainedOnClasses()) WeightInit.freshHead(spec, w, options.seed() + 2);
		Outcome o = train("teacher", spec, w, null, null, t.preprocessing(), options.withMethod(Method.TEACHER));
		return new Teacher(spec, o.best, t.source(), t.fingerprint(), true, t.preprocessing(), o.history,
				(System.nanoTime() - t0) / 1e9, o.test, t.origin());
	}

	/** Trains one student (or the teacher baseline) with {@code method} and returns the deployable model. */
	public TrainResult trainStudent(Method method, Teacher teacher, String studentArch) {
		long t0 = System.nanoTime();
		TrainingOptions opt = options.withMethod(method);
		int k = dataset.numClasses();
		Teacher tt = teacher;
		if (method == Method.TEACHER || method == Method.KD) {
			if (!tt.trainedOnClasses()) {
				listener.message("fine-tuning the teacher on the training split first (its head does not predict these classes)");
				tt = trainTeacher(tt);
			}
		}
		Outcome o;
		ModelSpec spec;
		if (method == Method.TEACHER) {
			spec = tt.spec();
			if (tt.history().isEmpty()) {
				o = train("teacher", spec, tt.weights(), null, null, tt.preprocessing(), opt);
			} else {
				// The auto or just fine-tuned teacher was trained with exactly this baseline's recipe.
				o = new Outcome(tt.weights(), tt.history(), tt.history().isEmpty() ? -1 : bestEpochOf(tt.history()), false,
						tt.testMetrics(), null, "test");
				o = withEvaluation(o, spec, tt.preprocessing());
			}
		} else {
			spec = Architectures.parse(studentArch == null ? Architectures.DEFAULT_STUDENT : studentArch, tt.spec().inChannels(), k)
					.withImageSize(tt.preprocessing().size());
			String why = method == Method.RANDOM ? null : spec.incompatibilityWith(tt.spec());
			if (why != null) throw new IllegalArgumentException(why);
			LinkedHashMap<String, HostTensor> a;
			LinkedHashMap<String, HostTensor> b = null;
			if (method == Method.RANDOM) {
				a = WeightInit.random(spec, opt.seed() + 3);
			} else {
				a = WeightSelection.select(tt.spec(), tt.weights(), spec, opt.selectorA(), opt.seed() + 4);
			}
			if (method == Method.DUAL_SKD) {
				b = WeightSelection.select(tt.spec(), tt.weights(), spec, opt.selectorB(), opt.seed() + 5);
			} else if (method == Method.WS_EMA) {
				b = copy(a);
			}
			o = train("student", spec, a, b, method == Method.KD ? tt : null, tt.preprocessing(), opt);
		}
		JsonObject prov = provenance(opt, tt, o);
		prov.add("calibration", calibration(opt, spec, o.best, tt.preprocessing()).toJson());
		SavedModel model = new SavedModel(spec, o.best, dataset.classes(), tt.preprocessing(), prov);
		return new TrainResult(model, method, o.test, o.val, o.evaluatedOn, o.history, o.bestEpoch, (System.nanoTime() - t0) / 1e9, o.cancelled);
	}

	/** Temperature scaling of the deployed model on the validation split (none without one, or when not asked). */
	private Calibration calibration(TrainingOptions opt, ModelSpec spec, LinkedHashMap<String, HostTensor> weights, Preprocessing prep) {
		List<Sample> val = dataset.split(Split.VAL);
		if (!opt.calibrate() || val.isEmpty()) return Calibration.NONE;
		int[] labels = new int[val.size()];
		for (int i = 0; i < labels.length; i++) labels[i] = val.get(i).label();
		Calibration c;
		try (DeviceWeights w = DeviceWeights.upload(spec, weights, manager, device)) {
			c = Calibration.fit(Evaluation.logits(w, val, prep, options.batchSize()), labels, "val");
		}
		listener.message(c.method().equals("none")
				? "calibration: none; the NLL on the " + c.images() + " validation images has no minimum (all right or all wrong): temperature 1 kept"
				: String.format(java.util.Locale.ROOT, "calibration: temperature %.3f fitted on %d validation images; ECE %.3f -> %.3f",
						c.temperature(), c.images(), c.eceBefore(), c.eceAfter()));
		return c;
	}

	private static int bestEpochOf(List<EpochRecord> h) {
		int best = -1;
		double f1 = Double.NEGATIVE_INFINITY;
		for (EpochRecord r : h) {
			if (r.valF1A() >= f1) {
				f1 = r.valF1A();
				best = r.epoch();
			}
		}
		return best;
	}

	private record Outcome(LinkedHashMap<String, HostTensor> best, List<EpochRecord> history, int bestEpoch, boolean cancelled,
			Metrics test, Metrics val, String evaluatedOn, String deployed, JsonObject ema) {
		Outcome(LinkedHashMap<String, HostTensor> best, List<EpochRecord> history, int bestEpoch, boolean cancelled, Metrics test,
				Metrics val, String evaluatedOn) {
			this(best, history, bestEpoch, cancelled, test, val, evaluatedOn, "A", new JsonObject());
		}
	}

	private Outcome train(String name, ModelSpec spec, LinkedHashMap<String, HostTensor> a, LinkedHashMap<String, HostTensor> b,
			Teacher fixed, Preprocessing prep, TrainingOptions opt) {
		TrainingData data = new TrainingData(dataset.split(Split.TRAIN), dataset.split(Split.VAL), dataset.numClasses(), prep,
				Augmentation.defaults(opt.horizontalFlip()), device, manager, listener);
		// Two students from the same selection (ws-ema) would learn in lockstep: mutual needs dual-skd's two halves.
		boolean mutual = opt.mutual() && b != null && opt.method() == Method.DUAL_SKD;
		if (opt.probeHeads() && opt.method().usesWeightSelection()) {
			listener.message(name + ": fitting the selected students' heads to their features (linear probe)");
			a = withProbedHead(spec, a, prep, opt);
			if (b != null) b = withProbedHead(spec, b, prep, opt);
		}
		try (DeviceWeights wa = DeviceWeights.upload(spec, a, manager, device);
				DeviceWeights wb = b == null ? null : DeviceWeights.upload(spec, b, manager, device);
				DeviceWeights wt = fixed == null ? null : DeviceWeights.upload(fixed.spec(), fixed.weights(), manager, device);
				// mutual: A and B both learn; their EMAs start as copies and act as each other's teacher
				DeviceWeights emaA = mutual ? DeviceWeights.upload(spec, a, manager, device) : null;
				DeviceWeights emaB = mutual ? DeviceWeights.upload(spec, b, manager, device) : null;
				ModelTrainer trainer = mutual ? ModelTrainer.mutual(name, wa, wb, emaA, emaB, data, opt)
						: new ModelTrainer(name, wa, wb, wt, data, opt)) {
			if (checkpoints != null) trainer.checkpointTo(checkpoints.slot(name));
			int ft = opt.finetuneEpochs();
			if (opt.method().usesEmaTeacher()) {
				trainer.runStage("skd", opt.epochs() - ft, opt.learningRate(), opt.warmupEpochs(), true);
				if (!trainer.cancelled() && ft > 0) {
					trainer.runStage("finetune", ft, opt.learningRate() * opt.finetuneLrFactor(), 0, false);
				}
			} else if (opt.method() == Method.KD) {
				trainer.runStage("kd", opt.epochs(), opt.learningRate(), opt.warmupEpochs(), true);
			} else {
				trainer.runStage("ce", opt.epochs(), opt.learningRate(), opt.warmupEpochs(), false);
			}
			var deploy = trainer.deployable();
			String deployed = deploy.getKey().equals("b") ? trainer.describeB() : "A";
			if (deploy.getKey().equals("b")) listener.message("deploying " + deployed + ": it validated better (epoch " + trainer.deployedEpoch() + ")");
			Outcome o = new Outcome(deploy.getValue(), List.copyOf(trainer.history()), trainer.deployedEpoch(), trainer.cancelled(),
					null, null, null, deployed, trainer.emaRecord());
			return withEvaluation(o, spec, prep);
		}
	}

	private LinkedHashMap<String, HostTensor> withProbedHead(ModelSpec spec, LinkedHashMap<String, HostTensor> w, Preprocessing prep,
			TrainingOptions opt) {
		try (DeviceWeights d = DeviceWeights.upload(spec, w, manager, device)) {
			HeadProbe.fit(d, dataset.split(Split.TRAIN), prep, dataset.numClasses(), opt.batchSize(), opt.seed() + 6);
			return d.download();
		}
	}

	/** Tests the best checkpoint on the test split (validation split when there is no test split). */
	private Outcome withEvaluation(Outcome o, ModelSpec spec, Preprocessing prep) {
		List<Sample> test = dataset.split(Split.TEST);
		String on = "test";
		if (test.isEmpty()) {
			test = dataset.split(Split.VAL);
			on = "val";
		}
		try (DeviceWeights best = DeviceWeights.upload(spec, o.best, manager, device)) {
			Metrics tm = test.isEmpty() ? null : Evaluation.of(best, test, prep, options.batchSize(), dataset.numClasses()).metrics();
			List<Sample> val = dataset.split(Split.VAL);
			Metrics vm = val.isEmpty() ? null : Evaluation.of(best, val, prep, options.batchSize(), dataset.numClasses()).metrics();
			return new Outcome(o.best, o.history, o.bestEpoch, o.cancelled, tm, vm, test.isEmpty() ? "none" : on, o.deployed, o.ema);
		}
	}

	/**
	 * The metrics of a trained model on the split it was tested on, at its calibration's temperature:
	 * the confidences its users get. {@link TrainResult#testMetrics} are at T = 1, taken before the
	 * temperature was fitted.
	 */
	public Metrics calibratedTestMetrics(TrainResult r) {
		double t = Calibration.of(r.model().provenance()).temperature();
		if (r.testMetrics() == null || t == 1.0) return r.testMetrics();
		List<Sample> tested = dataset.split("test".equals(r.evaluatedOn()) ? Split.TEST : Split.VAL);
		try (DeviceWeights w = DeviceWeights.upload(r.model().spec(), r.model().weights(), manager, device)) {
			return Evaluation.of(w, tested, r.model().preprocessing(), options.batchSize(), dataset.numClasses(), t).metrics();
		}
	}

	private static LinkedHashMap<String, HostTensor> copy(LinkedHashMap<String, HostTensor> w) {
		LinkedHashMap<String, HostTensor> c = new LinkedHashMap<>();
		w.forEach((k, v) -> c.put(k, v.copy()));
		return c;
	}

	private JsonObject provenance(TrainingOptions opt, Teacher t, Outcome o) {
		JsonObject p = new JsonObject();
		p.addProperty("method", opt.method().id());
		p.add("options", opt.toJson());
		p.addProperty("seed", opt.seed());
		p.addProperty("created", Instant.now().toString());
		p.addProperty("device", device.toString());
		p.addProperty("best_epoch", o.bestEpoch);
		p.addProperty("cancelled", o.cancelled);
		p.addProperty("deployed_model", o.deployed);
		if (o.ema.size() > 0) p.getAsJsonObject("options").add("ema", o.ema);
		JsonObject teacher = new JsonObject();
		teacher.addProperty("source", t.source());
		teacher.addProperty("fingerprint", t.fingerprint());
		teacher.add("architecture", t.spec().toJson());
		teacher.addProperty("parameters", t.spec().parameterCount());
		t.origin().entrySet().forEach(e -> teacher.add(e.getKey(), e.getValue()));
		p.add("teacher", teacher);
		JsonObject ds = new JsonObject();
		ds.addProperty("fingerprint", dataset.fingerprint());
		ds.addProperty("train", dataset.split(Split.TRAIN).size());
		ds.addProperty("val", dataset.split(Split.VAL).size());
		ds.addProperty("test", dataset.split(Split.TEST).size());
		ds.addProperty("skipped_files", dataset.skipped().size());
		p.add("dataset", ds);
		p.add("versions", org.duodistill.model.Engines.versions());
		JsonObject metrics = new JsonObject();
		if (o.test != null) metrics.add(o.evaluatedOn, metricsJson(o.test));
		if (o.val != null && !"val".equals(o.evaluatedOn)) metrics.add("val", metricsJson(o.val));
		p.add("metrics", metrics);
		return p;
	}

	private JsonObject metricsJson(Metrics m) {
		JsonObject j = new JsonObject();
		m.asRows(dataset.classes()).forEach((k, v) -> {
			if (!k.startsWith("confusion_")) j.addProperty(k, v);
		});
		return j;
	}

	static String fingerprint(Path file) {
		try {
			return "sha256:" + ModelFolder.sha256(file);
		} catch (IOException e) {
			return "unknown";
		}
	}

	public Dataset dataset() {
		return dataset;
	}

	@Override
	public void close() {
		manager.close();
		org.duodistill.model.Engines.releaseNativeMemory();
	}
}
