package org.duodistill.hub;

/** The download was cancelled through {@link DownloadProgress#cancelled()}; nothing half-written stays in the cache. */
public class HubCancelledException extends HubException {
	private static final long serialVersionUID = 1L;

	public HubCancelledException(String message) {
		super(message);
	}
}
