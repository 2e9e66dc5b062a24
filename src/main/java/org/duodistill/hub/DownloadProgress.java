package org.duodistill.hub;

/**
 * Progress of one file download. All callbacks may be called from the downloading thread; a file
 * that is already in the cache gets no callback at all.
 */
public interface DownloadProgress {
	/** Reports nothing and never cancels. */
	DownloadProgress NONE = new DownloadProgress() {
		@Override
		public void started(String file, long totalBytes, long alreadyHave) {}

		@Override
		public void advanced(String file, long bytesDone, long totalBytes, double bytesPerSecond) {}

		@Override
		public void finished(String file, long totalBytes) {}
	};

	/**
	 * Names the repo the following files come from; called once per fetch, before the first
	 * {@link #started} (and not at all when nothing needs downloading).
	 */
	default void repository(HubRepoId id) {}

	/**
	 * The download of {@code file} begins; {@code totalBytes} is -1 if unknown, {@code alreadyHave}
	 * is what a cut earlier download left (it is resumed).
	 */
	void started(String file, long totalBytes, long alreadyHave);

	/**
	 * {@code bytesDone} of {@code totalBytes} are on disk (resumed bytes included); called at most
	 * about every 250 ms, plus once at the end. The speed counts this session's bytes only.
	 */
	void advanced(String file, long bytesDone, long totalBytes, double bytesPerSecond);

	/** The file is complete, checked and in the cache. */
	void finished(String file, long totalBytes);

	/**
	 * Polled between chunks; true stops the download with a {@link HubCancelledException} and
	 * deletes its {@code .incomplete} file.
	 */
	default boolean cancelled() {
		return false;
	}
}
