package org.duodistill.train;

import com.google.gson.JsonObject;
import org.duodistill.select.ElementSelector;

/**
 * Every knob of a training run with METHOD.md's defaults. Immutable; the {@code with...} methods
 * return changed copies.
 *
 * @param deployBestOfAB SKD methods: deploy whichever of A and B validated better (METHOD.md's
 *        option; on by default since B became a good model); false always deploys A
 * @param mutual dual-skd: train A and B both, each distilling from the other's EMA (2x the
 *        student's cost); on by default: the dual-skd variant that validated best (docs/method.md)
 * @param ema the auxiliary teacher's momentum: a half-life fitted to the SKD stage, or fixed
 * @param auxiliaryNorm how the auxiliary teacher's BatchNorm statistics are kept
 * @param probeHeads weight-selected students start with a head fitted to their features
 *        ({@link HeadProbe}) instead of a random one; off by default: it validated slightly worse
 *        (docs/method.md)
 * @param teacherChannels how an RGB teacher meets grey images: its first convolution summed over
 *        the input channels (timm's {@code in_chans=1}, the default) or the image replicated to RGB
 * @param calibrate fit a temperature on the validation split after training (the default), so that
 *        confidences mean what they say; false: none ({@code --calibrate none})
 */
public record TrainingOptions(Method method, int epochs, int batchSize, double learningRate, double weightDecay,
		int warmupEpochs, EmaSchedule ema, double temperature, double kdWeight, double labelSmoothing,
		double finetuneFraction, double finetuneLrFactor, long seed, boolean horizontalFlip, ElementSelector selectorA,
		ElementSelector selectorB, double trainFraction, boolean deployBestOfAB, boolean mutual, AuxiliaryNorm auxiliaryNorm,
		boolean probeHeads, TeacherChannels teacherChannels, boolean calibrate) {

	/** The half-life default, chosen on validation splits (docs/method.md). */
	public static final double DEFAULT_EMA_HALF_LIFE = 0.1;

	/**
	 * How B's BatchNorm statistics fit B's weights. RECALIBRATE (default): B teaches with batch
	 * statistics, its running statistics are not averaged but re-estimated from training images
	 * before B is validated or kept. EMA: statistics averaged with the weights, B teaches in
	 * inference mode (the first version, kept to compare).
	 */
	public enum AuxiliaryNorm {
		RECALIBRATE, EMA;

		public String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

		public static AuxiliaryNorm parse(String s) {
			for (AuxiliaryNorm n : values()) if (n.id().equals(s.trim().toLowerCase(java.util.Locale.ROOT))) return n;
			throw new IllegalArgumentException("unknown auxiliary BatchNorm mode '" + s + "'; use recalibrate or ema");
		}
	}

	/** How a 3-channel teacher takes 1-channel images. */
	public enum TeacherChannels {
		SUM, REPLICATE;

		public String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

		public static TeacherChannels parse(String s) {
			for (TeacherChannels c : values()) if (c.id().equals(s.trim().toLowerCase(java.util.Locale.ROOT))) return c;
			throw new IllegalArgumentException("unknown --teacher-channels '" + s + "'; use sum or replicate");
		}
	}

	public static TrainingOptions defaults() {
		return new TrainingOptions(Method.DUAL_SKD, 30, 32, 1e-3, 0.05, 1, EmaSchedule.halfLife(DEFAULT_EMA_HALF_LIFE), 4.0, 1.0, 0.1,
				0.2, 0.1, 42, false, ElementSelector.uniform(0), ElementSelector.uniform(1), 1.0, true, true, AuxiliaryNorm.RECALIBRATE,
				false, TeacherChannels.SUM, true);
	}

	public TrainingOptions {
		if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
		if (batchSize < 2) throw new IllegalArgumentException("--batch must be >= 2 (BatchNorm needs two samples), got " + batchSize);
		if (!(learningRate > 0) || learningRate > 10) throw new IllegalArgumentException("--lr must be in (0, 10], got " + learningRate);
		java.util.Objects.requireNonNull(ema, "ema");
		java.util.Objects.requireNonNull(auxiliaryNorm, "auxiliaryNorm");
		java.util.Objects.requireNonNull(teacherChannels, "teacherChannels");
		if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0");
		if (!(trainFraction > 0) || trainFraction > 1) throw new IllegalArgumentException("--train-fraction must be in (0, 1], got " + trainFraction);
	}

	/** Epochs of the final CE-only stage for the SKD methods; the total stays {@link #epochs()}. */
	public int finetuneEpochs() {
		if (!method.usesEmaTeacher() || epochs < 2) return 0;
		return Math.max(1, (int) Math.round(epochs * finetuneFraction));
	}

	public TrainingOptions withMethod(Method m) {
		return with(b -> b.method = m);
	}

	public TrainingOptions withEpochs(int e) {
		return with(b -> b.epochs = e);
	}

	public TrainingOptions withBatch(int n) {
		return with(b -> b.batchSize = n);
	}

	public TrainingOptions withLearningRate(double lr) {
		return with(b -> b.learningRate = lr);
	}

	public TrainingOptions withSeed(long s) {
		return with(b -> b.seed = s);
	}

	public TrainingOptions withHorizontalFlip(boolean f) {
		return with(b -> b.horizontalFlip = f);
	}

	public TrainingOptions withSelectors(ElementSelector a, ElementSelector bSel) {
		return with(b -> {
			b.selectorA = a;
			b.selectorB = bSel;
		});
	}

	public TrainingOptions withTrainFraction(double f) {
		return with(b -> b.trainFraction = f);
	}

	/** A fixed momentum (the user's {@code --ema M}). */
	public TrainingOptions withEmaMomentum(double m) {
		return with(b -> b.ema = EmaSchedule.fixed(m));
	}

	public TrainingOptions withEma(EmaSchedule e) {
		return with(b -> b.ema = e);
	}

	public TrainingOptions withAuxiliaryNorm(AuxiliaryNorm n) {
		return with(b -> b.auxiliaryNorm = n);
	}

	public TrainingOptions withKdWeight(double w) {
		return with(b -> b.kdWeight = w);
	}

	public TrainingOptions withProbeHeads(boolean on) {
		return with(b -> b.probeHeads = on);
	}

	public TrainingOptions withDeployBestOfAB(boolean on) {
		return with(b -> b.deployBestOfAB = on);
	}

	public TrainingOptions withMutual(boolean on) {
		return with(b -> b.mutual = on);
	}

	/**
	 * What {@code --calibrate} and Fiji's {@code calibrate=} take: {@code temperature} (true) or
	 * {@code none} (false); anything else is refused, naming the value.
	 */
	public static boolean calibrates(String method) {
		return switch (method == null ? "" : method.trim().toLowerCase(java.util.Locale.ROOT)) {
			case "temperature" -> true;
			case "none" -> false;
			default -> throw new IllegalArgumentException("calibrate must be temperature or none, got '" + method + "'");
		};
	}

	public TrainingOptions withCalibrate(boolean on) {
		return with(b -> b.calibrate = on);
	}

	public TrainingOptions withTeacherChannels(TeacherChannels c) {
		return with(b -> b.teacherChannels = c);
	}

	private TrainingOptions with(java.util.function.Consumer<Builder> change) {
		Builder b = new Builder(this);
		change.accept(b);
		return b.build();
	}

	/** Mutable copy used by the {@code with...} methods. */
	private static final class Builder {
		Method method;
		int epochs, batchSize, warmupEpochs;
		double learningRate, weightDecay, temperature, kdWeight, labelSmoothing, finetuneFraction, finetuneLrFactor,
				trainFraction;
		long seed;
		boolean horizontalFlip, deployBestOfAB, mutual, probeHeads;
		ElementSelector selectorA, selectorB;
		EmaSchedule ema;
		AuxiliaryNorm auxiliaryNorm;
		TeacherChannels teacherChannels;
		boolean calibrate;

		Builder(TrainingOptions o) {
			method = o.method;
			epochs = o.epochs;
			batchSize = o.batchSize;
			learningRate = o.learningRate;
			weightDecay = o.weightDecay;
			warmupEpochs = o.warmupEpochs;
			ema = o.ema;
			temperature = o.temperature;
			kdWeight = o.kdWeight;
			labelSmoothing = o.labelSmoothing;
			finetuneFraction = o.finetuneFraction;
			finetuneLrFactor = o.finetuneLrFactor;
			seed = o.seed;
			horizontalFlip = o.horizontalFlip;
			selectorA = o.selectorA;
			selectorB = o.selectorB;
			trainFraction = o.trainFraction;
			deployBestOfAB = o.deployBestOfAB;
			mutual = o.mutual;
			auxiliaryNorm = o.auxiliaryNorm;
			probeHeads = o.probeHeads;
			teacherChannels = o.teacherChannels;
			calibrate = o.calibrate;
		}

		TrainingOptions build() {
			return new TrainingOptions(method, epochs, batchSize, learningRate, weightDecay, warmupEpochs, ema, temperature,
					kdWeight, labelSmoothing, finetuneFraction, finetuneLrFactor, seed, horizontalFlip, selectorA, selectorB, trainFraction,
					deployBestOfAB, mutual, auxiliaryNorm, probeHeads, teacherChannels, calibrate);
		}
	}

	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.addProperty("method", method.id());
		o.addProperty("epochs", epochs);
		o.addProperty("finetune_epochs", finetuneEpochs());
		o.addProperty("batch", batchSize);
		o.addProperty("lr", learningRate);
		o.addProperty("weight_decay", weightDecay);
		o.addProperty("warmup_epochs", warmupEpochs);
		o.addProperty("schedule", "cosine");
		o.addProperty("optimizer", "AdamW");
		o.add("ema", ema.toJson(0));
		o.addProperty("auxiliary_batchnorm", auxiliaryNorm.id());
		o.addProperty("probe_heads", probeHeads);
		o.addProperty("temperature", temperature);
		o.addProperty("kd_weight", kdWeight);
		o.addProperty("label_smoothing", labelSmoothing);
		o.addProperty("finetune_lr_factor", finetuneLrFactor);
		o.addProperty("seed", seed);
		o.addProperty("horizontal_flip", horizontalFlip);
		o.addProperty("selector_a", selectorA.describe());
		o.addProperty("selector_b", selectorB.describe());
		o.addProperty("train_fraction", trainFraction);
		o.addProperty("deploy", deployBestOfAB ? "best-of-a-b" : "a");
		o.addProperty("mutual", mutual && method == Method.DUAL_SKD);
		o.addProperty("teacher_channels", teacherChannels.id());
		o.addProperty("calibrate", calibrate ? "temperature" : "none");
		return o;
	}
}
