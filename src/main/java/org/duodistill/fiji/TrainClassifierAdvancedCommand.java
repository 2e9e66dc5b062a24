package org.duodistill.fiji;

import org.duodistill.train.TrainingOptions;
import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > DuoDistill > Train Classifier (all options)...: Train Classifier's dialog followed by the
 * method's options, so that every {@code duodistill train} option is reachable from Fiji, recorded by
 * the macro recorder under the command line's names ({@code ema_half_life} is {@code --ema-half-life})
 * and usable headless; the plain dialog keeps the common case short with these at their defaults.
 */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Train Classifier (all options)...", headless = true)
public class TrainClassifierAdvancedCommand extends TrainClassifierCommand {
	@Parameter(label = "<html><b>The method's options</b> (defaults as in Train Classifier...)", visibility = ItemVisibility.MESSAGE,
			required = false, persist = false)
	private String method_heading = "";

	@Parameter(label = "EMA teacher: half-life (fraction of the stage)", min = "0", stepSize = "0.01",
			description = "B follows A by an EMA whose half-life is this fraction of the SKD stage's steps (--ema-half-life)")
	private double ema_half_life = TrainingOptions.DEFAULT_EMA_HALF_LIFE;

	@Parameter(label = "EMA teacher: fixed momentum instead (0 = use the half-life)", min = "0", max = "0.999999", stepSize = "0.001",
			description = "A fixed momentum such as 0.999 (--ema); 0 keeps the half-life rule")
	private double ema = 0;

	@Parameter(label = "B's BatchNorm statistics", choices = {"recalibrate", "ema"},
			description = "recalibrate: re-estimated from training images for B's weights; ema: averaged with the weights (--aux-bn)")
	private String aux_bn = TrainingOptions.AuxiliaryNorm.RECALIBRATE.id();

	@Parameter(label = "Mutual (dual-skd: A and B both learn, each from the other's EMA)", description = "--mutual")
	private boolean mutual = TrainingOptions.defaults().mutual();

	@Parameter(label = "Deploy whichever of A and B validated better", description = "--deploy-best-of-a-b")
	private boolean deploy_best_of_a_b = TrainingOptions.defaults().deployBestOfAB();

	@Parameter(label = "Fit the selected students' heads first (linear probe)", description = "--head-probe")
	private boolean head_probe = TrainingOptions.defaults().probeHeads();

	@Parameter(label = "Weight selection of A", description = "uniform(o), consecutive(o) or random(seed) (--selector-a)")
	private String selector_a = TrainingOptions.defaults().selectorA().describe();

	@Parameter(label = "Weight selection of B", description = "uniform(o), consecutive(o) or random(seed) (--selector-b)")
	private String selector_b = TrainingOptions.defaults().selectorB().describe();

	@Parameter(label = "<html><b>The run</b>", visibility = ItemVisibility.MESSAGE, required = false, persist = false)
	private String run_heading = "";

	@Parameter(label = "Checkpoint every N epochs (0 = none: the run cannot be resumed)", min = "0",
			description = "--checkpoint-every")
	private int checkpoint_every = 1;

	@Parameter(label = "Retries after a divergence (each at half the learning rate)", min = "0", description = "--divergence-retries")
	private int divergence_retries = 1;

	@Parameter(label = "Engine threads (0 = default; fixed once the engine has loaded in this Fiji)", min = "0", description = "--threads")
	private int threads = 0;

	@Override
	TrainSettings settings() {
		method_heading = null; // headings are shown, never recorded
		run_heading = null;
		TrainSettings s = super.settings();
		s.emaHalfLife = ema_half_life;
		s.emaMomentum = ema > 0 ? ema : Double.NaN;
		s.auxBn = aux_bn == null ? s.auxBn : aux_bn;
		s.mutual = mutual;
		s.deployBestOfAB = deploy_best_of_a_b;
		s.headProbe = head_probe;
		if (selector_a != null && !selector_a.isBlank()) s.selectorA = selector_a.trim();
		if (selector_b != null && !selector_b.isBlank()) s.selectorB = selector_b.trim();
		s.checkpointEvery = checkpoint_every;
		s.divergenceRetries = divergence_retries;
		s.threads = threads;
		return s;
	}
}
