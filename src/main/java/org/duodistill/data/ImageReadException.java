package org.duodistill.data;

import java.io.IOException;
import java.nio.file.Path;

/** A file that could not be read as an image; the message names the file and the reason. */
public class ImageReadException extends IOException {
	private static final long serialVersionUID = 1L;
	private final Path file;
	private final String reason;
	private boolean damaged;

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

	/**
	 * A reason that is about the file itself (e.g. pixel data cut short), not about this reader:
	 * no other reader is asked, since one that pads missing bytes with zeros would hide the damage.
	 */
	public static ImageReadException damaged(Path file, String reason) {
		ImageReadException e = new ImageReadException(file, reason);
		e.damaged = true;
		return e;
	}

	public boolean damaged() {
		return damaged;
	}

	public Path file() {
		return file;
	}

	public String reason() {
		return reason;
	}
}
