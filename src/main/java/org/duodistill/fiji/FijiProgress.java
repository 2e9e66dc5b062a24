package org.duodistill.fiji;

import ij.IJ;
import org.duodistill.train.EpochRecord;
import org.duodistill.train.TrainingListener;
import org.scijava.Cancelable;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Training progress in Fiji: epoch and batch on the status bar, per-epoch metrics in the log,
 * cancel by the command's cancel or the Esc key (ImageJ's usual way to stop a long operation).
 */
final class FijiProgress implements TrainingListener {
	private final StatusService status;
	private final LogService log;
	private final Cancelable command;
	private final List<EpochRecord> epochs = new ArrayList<>();

	FijiProgress(StatusService status, LogService log, Cancelable command) {
		this.status = status;
		this.log = log;
		this.command = command;
	}

	@Override
	public void message(String text) {
		if (log != null) log.info("DuoDistill: " + text);
		if (!FijiEnvironment.headless()) IJ.log("DuoDistill: " + text);
	}

	@Override
	public void batch(String model, String stage, int epoch, int batch, int batches) {
		if (status != null) {
			status.showStatus(batch, batches, String.format(Locale.ROOT, "DuoDistill: %s %s epoch %d, batch %d/%d (Esc cancels)",
					model, stage, epoch, batch, batches));
		}
	}

	@Override
	public void epoch(EpochRecord r) {
		epochs.add(r);
		String b = Double.isNaN(r.valF1B()) ? "" : String.format(Locale.ROOT, ", B: F1 %.3f", r.valF1B());
		message(String.format(Locale.ROOT, "%s %s epoch %d: loss %.4f, validation accuracy %.3f, macro-F1 %.3f%s", r.model(), r.stage(),
				r.epoch(), r.loss(), r.valAccA(), r.valF1A(), b));
	}

	@Override
	public boolean isCancelled() {
		return (command != null && command.isCanceled()) || IJ.escapePressed();
	}

	List<EpochRecord> epochs() {
		return epochs;
	}
}
