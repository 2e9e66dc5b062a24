package org.duodistill.train;

import com.google.gson.JsonObject;
import org.duodistill.select.ElementSelector;

/**
 * Every knob of a training run with METHOD.md's defaults. Immutable; the {@code with...} methods
 * return changed copies.
 *
 * @param deployBestOfAB deploy whichever of A and its EMA B validates better (METHOD.md's option);
 *        false deploys A, the default
 * @param mutual SKD methods: train A and B both, each distilling from the other's EMA (2x cost)
 */
public record TrainingOptions(Method method, int epochs, int batchSize, double learningRate, double weightDecay,
		int warmupEpochs, double emaMomentum, double temperature, double kdWeight, double labelSmoothing,
		double finetuneFraction, double finetuneLrFactor, long seed, boolean horizontalFlip, ElementSelector selectorA,
		ElementSelector selectorB, double trainFraction, boolean deployBestOfAB, boolean mutual) {

	public static TrainingOptions defaults() {
		return new TrainingOptions(Method.DUAL_SKD, 30, 32, 1e-3, 0.05, 1, 0.996, 4.0, 1.0, 0.1, 0.2, 0.1, 42, false,
				ElementSelector.uniform(0), ElementSelector.uniform(1), 1.0, false, false);
	}

	public TrainingOptions {
		if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
		if (batchSize < 2) throw new IllegalArgumentException("--batch must be >= 2 (BatchNorm needs two samples), got " + batchSize);
		if (!(learningRate > 0) || learningRate > 10) throw new IllegalArgumentException("--lr must be in (0, 10], got " + learningRate);
		if (emaMomentum < 0 || emaMomentum > 1) throw new IllegalArgumentException("EMA momentum must be in [0,1]");
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

	public TrainingOptions withEmaMomentum(double m) {
		return with(b -> b.emaMomentum = m);
	}

	public TrainingOptions withDeployBestOfAB(boolean on) {
		return with(b -> b.deployBestOfAB = on);
	}

	public TrainingOptions withMutual(boolean on) {
		return with(b -> b.mutual = on);
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
		double learningRate, weightDecay, emaMomentum, temperature, kdWeight, labelSmoothing, finetuneFraction, finetuneLrFactor,
				trainFraction;
		long seed;
		boolean horizontalFlip, deployBestOfAB, mutual;
		ElementSelector selectorA, selectorB;

		Builder(TrainingOptions o) {
			method = o.method;
			epochs = o.epochs;
			batchSize = o.batchSize;
			learningRate = o.learningRate;
			weightDecay = o.weightDecay;
			warmupEpochs = o.warmupEpochs;
			emaMomentum = o.emaMomentum;
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
		}

		TrainingOptions build() {
			return new TrainingOptions(method, epochs, batchSize, learningRate, weightDecay, warmupEpochs, emaMomentum, temperature,
					kdWeight, labelSmoothing, finetuneFraction, finetuneLrFactor, seed, horizontalFlip, selectorA, selectorB, trainFraction,
					deployBestOfAB, mutual);
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
		o.addProperty("ema_momentum", emaMomentum);
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
		o.addProperty("mutual", mutual);
		return o;
	}
}
