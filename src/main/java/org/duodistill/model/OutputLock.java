package org.duodistill.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One training per output folder: a lock file {@code .NAME.lock} beside the folder (the folder
 * itself only appears, atomically, at the end), created exclusively and holding the owner's process
 * id, host and start time. A second training on the same folder is refused naming the owner. A lock
 * whose process is gone (killed, crashed) on this host is stale and taken over, with a message;
 * a lock from another host (shared file systems) is never taken over automatically.
 */
public final class OutputLock implements AutoCloseable {
	private final Path file;

	private OutputLock(Path file) {
		this.file = file;
	}

	public static Path lockFile(Path output) {
		return ModelFolder.hiddenSibling(output, ".lock");
	}

	/**
	 * @param said receives a line when a stale lock is taken over
	 * @throws IOException naming the owner when another live training holds the folder
	 */
	public static OutputLock acquire(Path output, java.util.function.Consumer<String> said) throws IOException {
		Path lock = lockFile(output);
		Files.createDirectories(lock.getParent());
		String me = ProcessHandle.current().pid() + " " + host() + " " + Instant.now();
		for (int attempt = 0; attempt < 2; attempt++) {
			try {
				Files.writeString(lock, me + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
						java.nio.file.StandardOpenOption.WRITE);
				return new OutputLock(lock);
			} catch (FileAlreadyExistsException e) {
				String owner = read(lock);
				if (!stale(owner)) {
					throw new IOException(output + " is being written by another training (" + describe(owner) + ", lock " + lock
							+ "); wait for it, choose another --output, or delete the lock if that training is gone");
				}
				said.accept("taking over a stale lock on " + output + " (" + describe(owner) + " is no longer running)");
				Files.deleteIfExists(lock);
			}
		}
		throw new IOException("cannot lock " + output + " (" + lock + " keeps reappearing)");
	}

	/** True when a live training holds {@code output} (a lock that is not stale). */
	public static boolean isHeld(Path output) {
		Path lock = lockFile(output);
		return Files.exists(lock) && !stale(read(lock));
	}

	/** Stale: written by a process of this host that is no longer alive (or unreadable, e.g. a half-written lock). */
	static boolean stale(String owner) {
		List<String> f = owner == null ? List.of() : List.of(owner.trim().split("\\s+"));
		if (f.size() < 2) return true;
		if (!f.get(1).equals(host())) return false;
		try {
			long pid = Long.parseLong(f.get(0));
			return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
		} catch (NumberFormatException e) {
			return true;
		}
	}

	private static String describe(String owner) {
		List<String> f = owner == null ? List.of() : List.of(owner.trim().split("\\s+"));
		return f.size() >= 3 ? "process " + f.get(0) + " on " + f.get(1) + " since " + f.get(2) : "unknown owner";
	}

	private static String read(Path lock) {
		try {
			return Files.readString(lock, StandardCharsets.UTF_8);
		} catch (IOException e) {
			return null;
		}
	}

	private static String host() {
		String h = System.getenv("HOSTNAME");
		if (h == null || h.isBlank()) {
			try {
				h = java.net.InetAddress.getLocalHost().getHostName();
			} catch (IOException e) {
				h = "localhost";
			}
		}
		return h.replaceAll("\\s", "_");
	}

	@Override
	public void close() {
		try {
			Files.deleteIfExists(file);
		} catch (IOException e) {
			// a lock left behind is stale once this process ends, and is taken over then
		}
	}
}
