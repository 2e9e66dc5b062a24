package org.duodistill.hub;

import java.io.IOException;

/**
 * A Hugging Face Hub download or cache problem. Every message is one line that names the repo, so
 * that it reads well in a log, a Fiji status bar and a command line error.
 */
public class HubException extends IOException {
	private static final long serialVersionUID = 1L;

	public HubException(String message) {
		super(oneLine(message));
	}

	public HubException(String message, Throwable cause) {
		super(oneLine(message), cause);
	}

	/** Folds line breaks (from a server's text or an exception's message) into spaces. */
	static String oneLine(String s) {
		return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
	}
}
