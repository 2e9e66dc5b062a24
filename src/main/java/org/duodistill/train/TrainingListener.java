package org.duodistill.train;

/** Progress and cancellation hooks; the CLI prints, Fiji drives its status bar. All optional. */
public interface TrainingListener {
	default void message(String text) {}

	default void batch(String model, String stage, int epoch, int batch, int batches) {}

	/** After each training batch: {@code loss} is the mean training loss of the epoch so far (student A's). */
	default void trained(String model, String stage, int epoch, int batch, int batches, double loss) {}

	/** After each file of the dataset is read; by default a message every 100 files. */
	default void filesRead(int done, int total) {
		if (done > 0 && done % 100 == 0) message("read " + done + "/" + total + " files");
	}

	default void epoch(EpochRecord record) {}

	/** Polled between batches; true stops training, keeping the best checkpoint so far. */
	default boolean isCancelled() {
		return false;
	}

	/** How a teacher download reports and is cancelled: by default lines through {@link #message}. */
	default org.duodistill.hub.DownloadProgress downloads() {
		return new ListenerDownloads(this);
	}

	TrainingListener NONE = new TrainingListener() {};
}
