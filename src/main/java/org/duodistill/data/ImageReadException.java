package org.duodistill.data;

import java.io.IOException;
import java.nio.file.Path;

/** A file that could not be read as an image; the message names the file and the reason. */
public class ImageReadException extends IOException {
	private static final long serialVersionUID = 1L;
	private final Path file;
	private final String reason;

	public ImageReadException(Path file, String reason) {
		super(file + ": " + reason);
		this.file = file;
		this.reason = reason;
	}

	public ImageReadException(Path file, String reason, Throwable cause) {
		super(file + ": " + reason, cause);
		this.file = file;
		this.reason = reason;
	}

	public Path file() {
		return file;
	}

	public String reason() {
		return reason;
	}
}
