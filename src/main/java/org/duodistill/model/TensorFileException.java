package org.duodistill.model;

import java.io.IOException;
import java.nio.file.Path;

/** A weights file that cannot be read or does not fit the architecture; the message names the file. */
public class TensorFileException extends IOException {
	private static final long serialVersionUID = 1L;

	public TensorFileException(Path file, String problem) {
		super(file + ": " + problem);
	}

	public TensorFileException(Path file, String problem, Throwable cause) {
		super(file + ": " + problem, cause);
	}
}
