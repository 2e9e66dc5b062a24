package org.duodistill.fiji;

import ij.IJ;
import org.duodistill.hub.DownloadProgress;
import org.duodistill.hub.HubRepoId;
import org.duodistill.train.EpochRecord;
import org.duodistill.train.ListenerDownloads;
import org.duodistill.train.Pipeline;
import org.duodistill.train.TrainingListener;
import org.scijava.Cancelable;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Training progress in Fiji: epoch and batch on the status bar, per-epoch metrics in the log,
 * a teacher's download on the status bar, cancel by the command's cancel or the Esc key (ImageJ's usual
 * way to stop a long operation), which also stops a download.
 */
final class FijiProgress implements TrainingListener {
	private final StatusService status;
	private final LogService log;
	private final Cancelable command;
	private final List<EpochRecord> epochs = new ArrayList<>();
	private final LivePlot plot;

	/** A training's progress, with its live plot when there is a screen. */
	FijiProgress(StatusService status, LogService log, Cancelable command) {
		this(status, log, command, !FijiEnvironment.headless());
	}

	/** @param livePlot whether epochs are plotted live (not for a study: its runs would share one plot) */
	FijiProgress(StatusService status, LogService log, Cancelable command, boolean livePlot) {
		this.status = status;
		this.log = log;
		this.command = command;
		this.plot = livePlot ? new LivePlot() : null;
	}

	/** {@link Pipeline#AUTO_COSTS} as Fiji users find the way out: the menu entry, not the command line. */
	static final String AUTO_COSTS = Pipeline.AUTO_COSTS.replace("`duodistill teachers` lists pretrained ones (--teacher hf-hub:...)",
			"Plugins > DuoDistill > Pretrained Teachers lists pretrained ones (choose one as the teacher)");

	@Override
	public void message(String text) {
		boolean autoNote = text.equals(Pipeline.AUTO_COSTS);
		String line = "DuoDistill: " + (autoNote ? AUTO_COSTS : text);
		if (log != null) log.info(line);
		if (!FijiEnvironment.headless()) IJ.log(line);
		if (autoNote && status != null) status.showStatus("DuoDistill: an auto teacher passes little on; see the log");
	}

	/**
	 * A teacher download: size, percent and rate on the status bar with its progress bar (every update),
	 * lines in the log every 2 s; Esc or the command's cancel stops it.
	 */
	@Override
	public DownloadProgress downloads() {
		return new ListenerDownloads(this) {
			private volatile String from = "the Hugging Face Hub";

			@Override
			public void repository(HubRepoId id) {
				from = id.display();
			}

			@Override
			public void started(String file, long totalBytes, long alreadyHave) {
				super.started(file, totalBytes, alreadyHave);
				if (status != null) status.showStatus("DuoDistill: downloading " + file + " from " + from + " (Esc cancels)");
			}

			@Override
			public void advanced(String file, long bytesDone, long totalBytes, double bytesPerSecond) {
				super.advanced(file, bytesDone, totalBytes, bytesPerSecond);
				if (status != null) {
					String line = "DuoDistill: " + downloadLine(file, bytesDone, totalBytes, bytesPerSecond) + " (Esc cancels)";
					if (totalBytes > 0) {
						// StatusService takes ints: kilobytes keep files of up to 2 TB in range
						status.showStatus((int) (bytesDone / 1024), (int) Math.max(1, totalBytes / 1024), line);
					} else {
						status.showStatus(line);
					}
				}
			}

			@Override
			public void finished(String file, long totalBytes) {
				super.finished(file, totalBytes);
				if (status != null) status.showStatus("DuoDistill: downloaded " + file + " from " + from);
			}
		};
	}

	/** e.g. {@code downloading model.safetensors 12.3/46.8 MB (26%), 8.1 MB/s}. */
	static String downloadLine(String file, long done, long total, double bytesPerSecond) {
		String amount = total > 0 ? String.format(Locale.ROOT, "%.1f/%.1f MB (%d%%)", done / 1e6, total / 1e6, (int) Math.floor(100.0 * done / total))
				: String.format(Locale.ROOT, "%.1f MB", done / 1e6);
		return String.format(Locale.ROOT, "downloading %s %s, %.1f MB/s", file, amount, bytesPerSecond / 1e6);
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
		if (plot != null) plot.update(epochs);
	}

	/** The run's live plot, null when headless. */
	LivePlot livePlot() {
		return plot;
	}

	@Override
	public boolean isCancelled() {
		return (command != null && command.isCanceled()) || IJ.escapePressed();
	}

	List<EpochRecord> epochs() {
		return epochs;
	}
}
