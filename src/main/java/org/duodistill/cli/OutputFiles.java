package org.duodistill.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** CSV outputs: never replace a user's file unless asked, and never leave half a file behind. */
final class OutputFiles {
	private OutputFiles() {}

	static void checkWritable(Path file, boolean overwrite) throws FileAlreadyExistsException {
		if (Files.exists(file) && !overwrite) {
			throw new FileAlreadyExistsException(file + " exists; choose another --output or pass --overwrite");
		}
	}

	static void writeAtomically(Path file, String text) throws IOException {
		Path abs = file.toAbsolutePath();
		Files.createDirectories(abs.getParent());
		Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
		try {
			Files.writeString(tmp, text, StandardCharsets.UTF_8);
			try {
				Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
			}
		} finally {
			Files.deleteIfExists(tmp);
		}
	}
}
