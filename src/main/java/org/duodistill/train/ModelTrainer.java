package org.duodistill.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import org.duodistill.data.Sample;
import org.duodistill.model.BatchNormMode;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;
import org.duodistill.model.HostTensor;
import org.duodistill.infer.Evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

/**
 * Trains model A by gradient, optionally distilling from another model: the EMA auxiliary teacher
 * B (updated from A after every step, never by gradient), or a fixed large teacher (KD). In the
 * {@code mutual} variant a second student is trained alongside A and each distils from the other's
 * EMA. Keeps the checkpoint of A with the best validation macro-F1.
 */
public final class ModelTrainer implements AutoCloseable {
	/** A model trained by gradient, the model that follows it by EMA (or null), and what it distils from. */
	private record Learner(DeviceWeights weights, AdamW optimizer, DeviceWeights ema, DeviceWeights distilFrom) {}

	private final String name;
	private final DeviceWeights a;
	private final DeviceWeights emaTeacher;
	/** The model reported (and deployable) as B: the EMA teacher, or in the mutual variant the second student. */
	private DeviceWeights reportedB;
	private final List<Learner> learners = new ArrayList<>();
	private final TrainingData data;
	private final TrainingOptions options;
	private final ResumableRandom rng;
	/** Where this trainer checkpoints (null: no checkpoints), and the snapshot it resumes from (null: none). */
	private Checkpoints.Slot slot;
	private Checkpoints.Snapshot resumeFrom;
	private int stageIndex;
	private final List<EpochRecord> history = new ArrayList<>();
	/** One daemon thread: batch i+1 is prepared while batch i trains, never two ahead. */
	private final java.util.concurrent.ExecutorService prefetcher = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
		Thread t = new Thread(r, "duodistill-batches");
		t.setDaemon(true);
		return t;
	});
	private LinkedHashMap<String, HostTensor> best;
	private double bestF1 = Double.NEGATIVE_INFINITY;
	private int bestEpoch = -1;
	private LinkedHashMap<String, HostTensor> bestB;
	private double bestBF1 = Double.NEGATIVE_INFINITY;
	private int bestBEpoch = -1;
	private int epoch;
	private boolean cancelled;
	private long emaSteps;

	/**
	 * @param emaTeacher B, or null; it must not require gradients
	 * @param fixedTeacher a frozen large teacher for KD, or null
	 */
	public ModelTrainer(String name, DeviceWeights a, DeviceWeights emaTeacher, DeviceWeights fixedTeacher, TrainingData data,
			TrainingOptions options) {
		this(name, a, emaTeacher, data, options);
		learners.add(learner(a, emaTeacher, emaTeacher != null ? emaTeacher : fixedTeacher));
	}

	/** Shared set-up; the public constructor and {@link #mutual} add the learners. */
	private ModelTrainer(String name, DeviceWeights a, DeviceWeights emaOfA, TrainingData data, TrainingOptions options) {
		this.name = name;
		this.a = a;
		this.emaTeacher = emaOfA;
		this.reportedB = emaOfA;
		this.data = data;
		this.options = options;
		this.rng = new ResumableRandom(options.seed() * 7919 + name.hashCode());
	}

	/**
	 * The mutual variant: A and a second student B are both trained; A distils from {@code emaB},
	 * B from {@code emaA}, and each EMA follows its own student. Twice the cost of dual-skd.
	 */
	public static ModelTrainer mutual(String name, DeviceWeights a, DeviceWeights b, DeviceWeights emaA, DeviceWeights emaB,
			TrainingData data, TrainingOptions options) {
		ModelTrainer t = new ModelTrainer(name, a, emaA, data, options);
		t.reportedB = b;
		t.learners.add(t.learner(a, emaA, emaB));
		t.learners.add(t.learner(b, emaB, emaA));
		return t;
	}

	private Learner learner(DeviceWeights w, DeviceWeights ema, DeviceWeights distilFrom) {
		w.requireGradients(true);
		return new Learner(w, new AdamW(w, options.weightDecay()), ema, distilFrom);
	}

	/** Checkpoints after every so many epochs into {@code slot}, and resumes from its snapshot when it has one. */
	public void checkpointTo(Checkpoints.Slot s) {
		this.slot = s;
		this.resumeFrom = s == null ? null : s.load();
	}

	/**
	 * Runs {@code epochs} epochs. {@code distil} adds the KD term from B (or the fixed teacher);
	 * B follows A by EMA whenever it exists and {@code distil} is on.
	 */
	public void runStage(String stage, int epochs, double lr, int warmupEpochs, boolean distil) {
		Engines.noGradientsOnThisThread();
		int thisStage = stageIndex++;
		int firstEpoch = 0;
		if (resumeFrom != null) {
			int savedStage = resumeFrom.state().get("stage_index").getAsInt();
			// a stage finished before the checkpoint: its effect is in the snapshot, restored with the stage it was taken in
			if (thisStage < savedStage) return;
			firstEpoch = restore(resumeFrom);
			data.listener().message(name + ": resuming " + stage + " after epoch " + epoch + " from the checkpoint");
			resumeFrom = null;
		}
		int nTrain = data.train().size();
		int batchesPerEpoch = Batches.epoch(nTrain, options.batchSize(), new Random(0)).size();
		CosineSchedule schedule = new CosineSchedule(lr, (long) warmupEpochs * batchesPerEpoch, (long) epochs * batchesPerEpoch);
		// Fine-tuning (no distillation) trains A alone.
		List<Learner> active = distil ? learners : learners.subList(0, 1);
		boolean withKd = distil && learners.get(0).distilFrom() != null;
		boolean recalibrate = options.auxiliaryNorm() == TrainingOptions.AuxiliaryNorm.RECALIBRATE;
		if (distil && emaTeacher != null) emaSteps = (long) epochs * batchesPerEpoch;
		double momentum = options.ema().momentum(emaSteps);
		long step = (long) firstEpoch * batchesPerEpoch;
		for (int e = firstEpoch; e < epochs && !cancelled; e++) {
			epoch++;
			long t0 = System.nanoTime();
			double lossSum = 0;
			double ceSum = 0;
			double kdSum = 0;
			int seen = 0;
			List<int[]> batches = Batches.epoch(nTrain, options.batchSize(), rng);
			double currentLr = schedule.at(step);
			long waitNanos = 0;
			// The next batch is augmented on another thread while this one trains; the batches are
			// prepared one after the other, so the random augmentations are those of a serial run.
			java.util.concurrent.Future<float[]> next = prefetch(batches.get(0));
			for (int bi = 0; bi < batches.size(); bi++) {
				if (data.listener().isCancelled()) {
					cancelled = true;
					data.listener().message(name + ": cancelled during epoch " + epoch + "; keeping the best checkpoint so far"
							+ (bestEpoch > 0 ? " (epoch " + bestEpoch + ")" : ""));
					break;
				}
				data.listener().batch(name, stage, epoch, bi + 1, batches.size());
				int[] idx = batches.get(bi);
				currentLr = schedule.at(step);
				long w0 = System.nanoTime();
				float[] pixels = take(next);
				waitNanos += System.nanoTime() - w0;
				next = bi + 1 < batches.size() ? prefetch(batches.get(bi + 1)) : null;
				try (NDScope scope = new NDScope()) {
					NDArray x = Batches.upload(data.manager(), data.device(), pixels, idx.length, data.preprocessing());
					int[] y = Batches.labels(data.train(), idx);
					// Teacher outputs first: in the mutual variant each EMA is read before either student steps.
					List<NDArray> teacherLogits = new ArrayList<>();
					for (Learner l : active) {
						DeviceWeights t = distil ? l.distilFrom() : null;
						teacherLogits.add(t == null ? null : t.spec().network().forward(t, x, teachingNorm(t, recalibrate)));
					}
					for (int li = 0; li < active.size(); li++) {
						Learner l = active.get(li);
						double[] losses = TrainStep.run(l.weights(), l.optimizer(), x, y, teacherLogits.get(li), currentLr, options);
						if (!Double.isFinite(losses[0])) throw new TrainingDiverged(name, stage, epoch, bi + 1, step + 1, losses[0], currentLr);
						if (distil && l.ema() != null) Ema.update(l.ema(), l.weights(), momentum, !recalibrate);
						if (li == 0) {
							lossSum += losses[0] * idx.length;
							ceSum += losses[1] * idx.length;
							kdSum += losses[2] * idx.length;
						}
					}
				}
				seen += idx.length;
				step++;
				data.listener().trained(name, stage, epoch, bi + 1, batches.size(), lossSum / seen);
			}
			if (next != null) take(next);
			// A partly trained epoch is neither recorded nor allowed to replace the best checkpoint.
			if (cancelled || seen == 0) break;
			Evaluation evalA = evaluate(a, data.selectionSet());
			// B's weights only change while it follows A; its statistics are then re-estimated for them.
			if (reportedB != null && reportedB == emaTeacher && recalibrate && distil) {
				BatchNormCalibration.recalibrate(emaTeacher, data.train(), data.preprocessing(), options.batchSize(),
						BatchNormCalibration.DEFAULT_IMAGES, options.seed() + epoch);
			}
			Evaluation evalB = reportedB == null ? null : evaluate(reportedB, data.selectionSet());
			if (evalA.metrics().macroF1() >= bestF1) {
				bestF1 = evalA.metrics().macroF1();
				bestEpoch = epoch;
				best = a.download();
			}
			if (evalB != null && options.deployBestOfAB() && evalB.metrics().macroF1() >= bestBF1) {
				bestBF1 = evalB.metrics().macroF1();
				bestBEpoch = epoch;
				bestB = reportedB.download();
			}
			EpochRecord r = new EpochRecord(name, stage, epoch, currentLr, lossSum / seen, ceSum / seen,
					withKd ? kdSum / seen : Double.NaN, evalA.metrics().accuracy(), evalA.metrics().macroF1(),
					evalB == null ? Double.NaN : evalB.metrics().accuracy(), evalB == null ? Double.NaN : evalB.metrics().macroF1(),
					(System.nanoTime() - t0) / 1e9, waitNanos / 1e9, ResidentMemory.bytes(), data.manager().getManagedArrays().size());
			history.add(r);
			data.listener().epoch(r);
			if (slot != null && slot.due(e + 1, epochs)) save(thisStage, e + 1);
		}
	}

	/** The trainer's models in a fixed order, each once: A, each learner's weights and EMA, B. */
	private List<DeviceWeights> stateful() {
		List<DeviceWeights> out = new ArrayList<>();
		java.util.function.Consumer<DeviceWeights> add = w -> {
			if (w != null && out.stream().noneMatch(x -> x == w)) out.add(w);
		};
		add.accept(a);
		for (Learner l : learners) {
			add.accept(l.weights());
			add.accept(l.ema());
		}
		add.accept(emaTeacher);
		return out;
	}

	private static final com.google.gson.Gson GSON = new com.google.gson.GsonBuilder().serializeSpecialFloatingPointValues().create();

	private void save(int stage, int epochsInStage) {
		com.google.gson.JsonObject st = new com.google.gson.JsonObject();
		st.addProperty("name", name);
		st.addProperty("stage_index", stage);
		st.addProperty("epochs_in_stage", epochsInStage);
		st.addProperty("epoch", epoch);
		st.addProperty("ema_steps", emaSteps);
		st.addProperty("best_f1", Double.toString(bestF1));
		st.addProperty("best_epoch", bestEpoch);
		st.addProperty("best_b_f1", Double.toString(bestBF1));
		st.addProperty("best_b_epoch", bestBEpoch);
		long[] r = rng.saveState();
		st.addProperty("rng", r[0] + " " + r[1] + " " + r[2]);
		com.google.gson.JsonArray steps = new com.google.gson.JsonArray();
		for (Learner l : learners) steps.add(l.optimizer().steps());
		st.add("optimizer_steps", steps);
		st.add("history", GSON.toJsonTree(history));
		java.util.Map<String, NDArray> device = new LinkedHashMap<>();
		List<DeviceWeights> models = stateful();
		for (int i = 0; i < models.size(); i++) {
			for (var t : models.get(i).tensors().entrySet()) device.put("w" + i + "/" + t.getKey(), t.getValue());
		}
		for (int i = 0; i < learners.size(); i++) {
			for (var t : learners.get(i).optimizer().moments().entrySet()) device.put("opt" + i + "/" + t.getKey(), t.getValue());
		}
		java.util.Map<String, HostTensor> host = new LinkedHashMap<>();
		if (best != null) best.forEach((k, v) -> host.put("best/" + k, v));
		if (bestB != null) bestB.forEach((k, v) -> host.put("bestB/" + k, v));
		st.addProperty("has_best", best != null);
		st.addProperty("has_best_b", bestB != null);
		slot.save(st, device, host);
	}

	/** Puts the trainer back where the snapshot was taken; returns the epochs of that stage already done. */
	private int restore(Checkpoints.Snapshot snap) {
		com.google.gson.JsonObject st = snap.state();
		if (!st.get("name").getAsString().equals(name)) throw new IllegalStateException("the checkpoint belongs to " + st.get("name") + ", not " + name);
		List<DeviceWeights> models = stateful();
		for (int i = 0; i < models.size(); i++) {
			for (var t : models.get(i).tensors().entrySet()) snap.restore("w" + i + "/" + t.getKey(), t.getValue());
		}
		for (int i = 0; i < learners.size(); i++) {
			for (var t : learners.get(i).optimizer().moments().entrySet()) snap.restore("opt" + i + "/" + t.getKey(), t.getValue());
			learners.get(i).optimizer().restoreSteps(st.getAsJsonArray("optimizer_steps").get(i).getAsLong());
		}
		epoch = st.get("epoch").getAsInt();
		emaSteps = st.get("ema_steps").getAsLong();
		bestF1 = Double.parseDouble(st.get("best_f1").getAsString());
		bestEpoch = st.get("best_epoch").getAsInt();
		bestBF1 = Double.parseDouble(st.get("best_b_f1").getAsString());
		bestBEpoch = st.get("best_b_epoch").getAsInt();
		String[] r = st.get("rng").getAsString().split(" ");
		rng.restoreState(new long[] {Long.parseLong(r[0]), Long.parseLong(r[1]), Long.parseLong(r[2])});
		history.clear();
		for (var h : st.getAsJsonArray("history")) history.add(GSON.fromJson(h, EpochRecord.class));
		best = st.get("has_best").getAsBoolean() ? prefixed(snap.tensors(), "best/") : null;
		bestB = st.get("has_best_b").getAsBoolean() ? prefixed(snap.tensors(), "bestB/") : null;
		return st.get("epochs_in_stage").getAsInt();
	}

	private LinkedHashMap<String, HostTensor> prefixed(java.util.Map<String, HostTensor> all, String prefix) {
		LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
		for (String k : a.spec().tensorShapes().keySet()) out.put(k, all.get(prefix + k));
		return out;
	}

	private java.util.concurrent.Future<float[]> prefetch(int[] idx) {
		return prefetcher.submit(() -> Batches.host(data.train(), idx, data.preprocessing(), data.augmentation(), rng));
	}

	private static float[] take(java.util.concurrent.Future<float[]> f) {
		try {
			return f.get();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while preparing a batch", e);
		} catch (java.util.concurrent.ExecutionException e) {
			Throwable c = e.getCause();
			if (c instanceof RuntimeException r) throw r;
			if (c instanceof Error err) throw err;
			throw new IllegalStateException("batch preparation failed: " + c, c);
		}
	}

	/**
	 * An EMA teacher whose running statistics are not kept in step with its weights normalises with
	 * the batch's statistics; a fixed (KD) teacher uses its own running statistics.
	 */
	private BatchNormMode teachingNorm(DeviceWeights teacher, boolean recalibrate) {
		boolean isEma = teacher == emaTeacher || learners.stream().anyMatch(l -> l.ema() == teacher);
		return isEma && recalibrate ? BatchNormMode.BATCH_ONLY : BatchNormMode.EVAL;
	}

	/** What model.json records of the EMA: its rule and the momentum it gave (empty without an EMA teacher). */
	public com.google.gson.JsonObject emaRecord() {
		return emaTeacher == null ? new com.google.gson.JsonObject() : options.ema().toJson(emaSteps);
	}

	public Evaluation evaluate(DeviceWeights w, List<Sample> samples) {
		return Evaluation.of(w, samples, data.preprocessing(), options.batchSize(), data.numClasses());
	}

	/** The best checkpoint of A so far (the current weights if no epoch finished). */
	public LinkedHashMap<String, HostTensor> bestWeights() {
		return best != null ? best : a.download();
	}

	public int bestEpoch() {
		return bestEpoch;
	}

	/**
	 * The checkpoint to deploy: A's best, or with {@code deployBestOfAB} the EMA model B's best
	 * when B validated better. The string says which ("a" or "b").
	 */
	public java.util.Map.Entry<String, LinkedHashMap<String, HostTensor>> deployable() {
		return deployB() ? java.util.Map.entry("b", bestB) : java.util.Map.entry("a", bestWeights());
	}

	/** What B is, for messages and model.json. */
	public String describeB() {
		return reportedB != null && reportedB != emaTeacher ? "B (the second student)" : "B (EMA of A)";
	}

	public int deployedEpoch() {
		return deployB() ? bestBEpoch : bestEpoch;
	}

	/** B is only tracked with {@code deployBestOfAB}; it wins only by validating strictly better. */
	private boolean deployB() {
		return bestB != null && bestBF1 > bestF1;
	}

	public boolean cancelled() {
		return cancelled;
	}

	public List<EpochRecord> history() {
		return history;
	}

	@Override
	public void close() {
		prefetcher.shutdownNow();
		for (Learner l : learners) l.optimizer().close();
	}
}
