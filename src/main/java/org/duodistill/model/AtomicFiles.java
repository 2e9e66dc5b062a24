package org.duodistill.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers (and a process killed halfway) see either the old content or the
 * new, never a mix: into a temporary file beside it, forced to disk, then renamed over it.
 */
public final class AtomicFiles {
	/** What writes the content. */
	public interface Writer {
		void write(OutputStream out) throws IOException;
	}

	private AtomicFiles() {}

	public static void write(Path file, Writer content) throws IOException {
		Path target = file.toAbsolutePath().normalize();
		Files.createDirectories(target.getParent());
		Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
		try {
			try (OutputStream out = Files.newOutputStream(tmp)) {
				content.write(out);
			}
			try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
				ch.force(true);
			}
			try {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
			}
		} finally {
			Files.deleteIfExists(tmp);
		}
	}
}
