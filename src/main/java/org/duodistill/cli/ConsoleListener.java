package org.duodistill.cli;

import org.duodistill.hub.DownloadProgress;
import org.duodistill.hub.HubRepoId;
import org.duodistill.train.EpochRecord;
import org.duodistill.train.TrainingListener;

import java.util.Locale;

/**
 * Training on stderr, so stdout stays clean for results: messages and one line per epoch, and
 * progress (reading the dataset, the batches of each epoch with loss, rate and ETA, a teacher's
 * download) on the {@link StatusLine}. {@code quiet}: messages only.
 */
final class ConsoleListener implements TrainingListener, AutoCloseable {
	private final StatusLine status;
	private final boolean quiet;
	private ProgressTask reading;
	private ProgressTask epoch;
	private String epochKey;

	ConsoleListener(StatusLine status, boolean quiet) {
		this.status = status;
		this.quiet = quiet;
	}

	@Override
	public void message(String text) {
		status.println(text);
	}

	@Override
	public synchronized void filesRead(int done, int total) {
		if (reading == null) reading = status.task("reading", total, "files");
		reading.update(done, "");
		if (done == total) {
			reading.finish();
			reading = null;
		}
	}

	/** Before each batch: the first of an epoch starts its progress, so the rate counts from there. */
	@Override
	public synchronized void batch(String model, String stage, int epochNumber, int batch, int batches) {
		String key = model + " " + stage + " epoch " + epochNumber;
		if (!key.equals(epochKey)) {
			if (epoch != null) epoch.finish();
			epoch = status.task(key, batches, "batches");
			epochKey = key;
		}
	}

	@Override
	public synchronized void trained(String model, String stage, int epochNumber, int batch, int batches, double loss) {
		batch(model, stage, epochNumber, batch, batches);
		epoch.update(batch, String.format(Locale.ROOT, "loss %.4f", loss));
	}

	@Override
	public synchronized void epoch(EpochRecord r) {
		// the epoch's line replaces its progress: the bar is cleared, not kept
		epoch = null;
		epochKey = null;
		if (quiet) return;
		String b = Double.isNaN(r.valF1B()) ? "" : String.format(Locale.ROOT, "  B: acc %.3f F1 %.3f", r.valAccB(), r.valF1B());
		status.println(String.format(Locale.ROOT, "%s %-8s epoch %3d  lr %.2e  loss %.4f  val acc %.3f F1 %.3f%s  %.1fs  rss %d MB",
				r.model(), r.stage(), r.epoch(), r.lr(), r.loss(), r.valAccA(), r.valF1A(), b, r.seconds(), r.rssBytes() >> 20));
	}

	/** A teacher's download: a line when each file starts and ends, the bytes, rate and ETA in between. */
	@Override
	public DownloadProgress downloads() {
		return new DownloadProgress() {
			private volatile String from = "the Hugging Face Hub";
			private ProgressTask task;

			@Override
			public void repository(HubRepoId id) {
				from = id.display();
			}

			@Override
			public synchronized void started(String file, long totalBytes, long alreadyHave) {
				String size = totalBytes >= 0 ? String.format(Locale.ROOT, "%.1f MB", totalBytes / 1e6) : "size unknown";
				message("downloading " + file + " from " + from + ": " + size + (alreadyHave > 0
						? String.format(Locale.ROOT, ", resuming at %.1f MB", alreadyHave / 1e6) : ""));
				task = status.task("downloading " + file, totalBytes < 0 ? -1 : Math.round(totalBytes / 1e6), "MB");
			}

			@Override
			public synchronized void advanced(String file, long bytesDone, long totalBytes, double bytesPerSecond) {
				if (task != null) task.update(Math.round(bytesDone / 1e6), "");
			}

			@Override
			public synchronized void finished(String file, long totalBytes) {
				if (task != null) task.finish();
				task = null;
				message(String.format(Locale.ROOT, "downloaded %s (%.1f MB)", file, totalBytes / 1e6));
			}
		};
	}

	/** Ends whatever progress is still showing (a run that failed mid-epoch). */
	@Override
	public synchronized void close() {
		if (reading != null) reading.finish();
		if (epoch != null) epoch.finish();
		reading = null;
		epoch = null;
	}
}
