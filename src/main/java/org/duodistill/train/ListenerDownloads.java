package org.duodistill.train;

import org.duodistill.hub.DownloadProgress;

import java.util.Locale;

/**
 * A teacher download reported through a {@link TrainingListener}: a line when a file starts, one
 * every few seconds with size, percent and rate, one at the end; cancelled when training would be.
 */
public class ListenerDownloads implements DownloadProgress {
	private static final long INTERVAL_NANOS = 2_000_000_000L;
	private final TrainingListener listener;
	private long lastLine;

	public ListenerDownloads(TrainingListener listener) {
		this.listener = listener;
	}

	@Override
	public void started(String file, long totalBytes, long alreadyHave) {
		lastLine = System.nanoTime();
		String size = totalBytes < 0 ? "" : " (" + megabytes(totalBytes) + ")";
		String resume = alreadyHave > 0 ? ", resuming at " + megabytes(alreadyHave) : "";
		listener.message("downloading " + file + size + resume);
	}

	@Override
	public void advanced(String file, long bytesDone, long totalBytes, double bytesPerSecond) {
		long now = System.nanoTime();
		if (now - lastLine < INTERVAL_NANOS) return;
		lastLine = now;
		listener.message(line(file, bytesDone, totalBytes, bytesPerSecond));
	}

	@Override
	public void finished(String file, long totalBytes) {
		listener.message("downloaded " + file + " (" + megabytes(totalBytes) + ")");
	}

	@Override
	public boolean cancelled() {
		return listener.isCancelled();
	}

	static String line(String file, long done, long total, double rate) {
		String of = total > 0 ? String.format(Locale.ROOT, " / %s (%d%%)", megabytes(total), Math.round(100.0 * done / total)) : "";
		return String.format(Locale.ROOT, "downloading %s: %s%s, %.1f MB/s", file, megabytes(done), of, rate / 1e6);
	}

	static String megabytes(long bytes) {
		return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
	}
}
