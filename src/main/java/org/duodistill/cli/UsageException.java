package org.duodistill.cli;

/** Wrong command-line words: unknown command or option, missing or malformed value. Exit code 2. */
public class UsageException extends Exception {
	private static final long serialVersionUID = 1L;

	public UsageException(String message) {
		super(message);
	}
}
