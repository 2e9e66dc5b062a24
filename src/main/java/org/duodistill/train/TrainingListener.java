package org.duodistill.train;

/** Progress and cancellation hooks; the CLI prints, Fiji drives its status bar. All optional. */
public interface TrainingListener {
	default void message(String text) {}

	default void batch(String model, String stage, int epoch, int batch, int batches) {}

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
