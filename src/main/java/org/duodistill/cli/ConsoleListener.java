package org.duodistill.cli;

import org.duodistill.train.EpochRecord;
import org.duodistill.train.TrainingListener;

import java.io.PrintStream;
import java.util.Locale;

/** Progress on stderr, so stdout stays clean for CSV output. */
final class ConsoleListener implements TrainingListener {
	private final PrintStream err;
	private final boolean quiet;

	ConsoleListener(PrintStream err, boolean quiet) {
		this.err = err;
		this.quiet = quiet;
	}

	@Override
	public void message(String text) {
		err.println(text);
	}

	@Override
	public void epoch(EpochRecord r) {
		if (quiet) return;
		String b = Double.isNaN(r.valF1B()) ? "" : String.format(Locale.ROOT, "  B: acc %.3f F1 %.3f", r.valAccB(), r.valF1B());
		err.println(String.format(Locale.ROOT, "%s %-8s epoch %3d  lr %.2e  loss %.4f  val acc %.3f F1 %.3f%s  %.1fs  rss %d MB",
				r.model(), r.stage(), r.epoch(), r.lr(), r.loss(), r.valAccA(), r.valF1A(), b, r.seconds(), r.rssBytes() >> 20));
	}
}
