package org.duodistill.hub;

import java.io.PrintStream;
import java.util.Locale;

/** Ready-made {@link DownloadProgress} reporters. */
public final class HubProgress {
	private static final long EVERY_NANOS = 2_000_000_000L;

	private HubProgress() {}

	/**
	 * Plain lines on {@code err} (no carriage returns: it may be a log file), e.g.
	 * {@code downloading model.safetensors from hf-hub:timm/resnet18.a1_in1k: 12.3 / 46.8 MB (26%), 8.1 MB/s},
	 * at most every 2 s, plus a final line per file. {@code quiet} prints nothing.
	 */
	public static DownloadProgress toStream(PrintStream err, boolean quiet) {
		if (quiet || err == null) {
			return DownloadProgress.NONE;
		}
		return new DownloadProgress() {
			private volatile String from = "the Hugging Face Hub";
			private long lastPrint;
			private long startNanos;

			@Override
			public void repository(HubRepoId id) {
				from = id.display();
			}

			@Override
			public synchronized void started(String file, long totalBytes, long alreadyHave) {
				startNanos = System.nanoTime();
				lastPrint = startNanos;
				String size = totalBytes >= 0 ? mb(totalBytes) + " MB" : "size unknown";
				String resume = alreadyHave > 0 ? ", resuming at " + mb(alreadyHave) + " MB" : "";
				err.println("downloading " + file + " from " + from + ": " + size + resume);
			}

			@Override
			public synchronized void advanced(String file, long bytesDone, long totalBytes, double bytesPerSecond) {
				long now = System.nanoTime();
				if (now - lastPrint < EVERY_NANOS) {
					return;
				}
				lastPrint = now;
				err.println("downloading " + file + " from " + from + ": " + amount(bytesDone, totalBytes) + ", "
						+ mb(bytesPerSecond) + " MB/s");
			}

			@Override
			public synchronized void finished(String file, long totalBytes) {
				double s = (System.nanoTime() - startNanos) / 1e9;
				err.println("downloaded " + file + " from " + from + ": " + mb(totalBytes) + " MB in "
						+ String.format(Locale.ROOT, "%.1f", s) + " s");
			}
		};
	}

	static String amount(long done, long total) {
		if (total <= 0) {
			return mb(done) + " MB";
		}
		return mb(done) + " / " + mb(total) + " MB (" + (int) Math.floor(100.0 * done / total) + "%)";
	}

	static String mb(double bytes) {
		return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
	}
}
