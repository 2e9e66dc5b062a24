package org.duodistill.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CSV outputs and the files beside them: never replace a user's file unless asked, and never leave half a file behind. */
final class OutputFiles {
	private OutputFiles() {}

	static void checkWritable(Path file, boolean overwrite) throws FileAlreadyExistsException {
		if (Files.exists(file) && !overwrite) {
			throw new FileAlreadyExistsException(file + " exists; choose another --output or pass --overwrite");
		}
	}

	/** @param what which output {@code file} is, for a file the user did not name themselves */
	static void checkWritable(Path file, boolean overwrite, String what) throws FileAlreadyExistsException {
		if (Files.exists(file) && !overwrite) {
			throw new FileAlreadyExistsException(file + " exists (" + what + "); choose another --output or pass --overwrite");
		}
	}

	static void writeAtomically(Path file, String text) throws IOException {
		org.duodistill.model.AtomicFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
	}
}
