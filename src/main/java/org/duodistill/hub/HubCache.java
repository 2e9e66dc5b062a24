package org.duodistill.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * huggingface_hub's cache layout, byte for byte:
 * <pre>
 * {cacheDir}/models--ORG--NAME/blobs/{etag}                 the content (LFS: etag = its sha256)
 * {cacheDir}/models--ORG--NAME/blobs/{etag}.incomplete      a download under way or cut
 * {cacheDir}/models--ORG--NAME/snapshots/{commit}/{file}    relative symlink ../../blobs/{etag} (a copy without symlinks)
 * {cacheDir}/models--ORG--NAME/refs/{revision}              the commit, no newline
 * {cacheDir}/.locks/models--ORG--NAME/{etag}.lock           lock file of one blob's download
 * </pre>
 */
final class HubCache {
	private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
	private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

	private final Path cacheDir;

	HubCache(Path cacheDir) {
		this.cacheDir = cacheDir;
	}

	Path dir() {
		return cacheDir;
	}

	Path repoDir(HubRepoId id) {
		return cacheDir.resolve(id.cacheFolderName());
	}

	Path blob(HubRepoId id, String etag) {
		return repoDir(id).resolve("blobs").resolve(etag);
	}

	Path incomplete(HubRepoId id, String etag) {
		return repoDir(id).resolve("blobs").resolve(etag + ".incomplete");
	}

	Path lockFile(HubRepoId id, String etag) {
		return cacheDir.resolve(".locks").resolve(id.cacheFolderName()).resolve(etag + ".lock");
	}

	Path snapshotDir(HubRepoId id, String commit) {
		return repoDir(id).resolve("snapshots").resolve(commit);
	}

	Path pointer(HubRepoId id, String commit, String file) {
		return snapshotDir(id, commit).resolve(file);
	}

	Path ref(HubRepoId id, String revision) {
		return repoDir(id).resolve("refs").resolve(revision);
	}

	static boolean isSha256(String s) {
		return s != null && SHA256.matcher(s).matches();
	}

	static boolean isCommit(String s) {
		return s != null && COMMIT.matcher(s).matches();
	}

	/** The commit the revision stands for without asking the network: itself if a commit, else refs/{revision}. */
	Optional<String> commitOf(HubRepoId id) {
		if (id.revisionIsCommit()) {
			return Optional.of(id.revision());
		}
		Path ref = ref(id, id.revision());
		try {
			if (!Files.isRegularFile(ref)) {
				return Optional.empty();
			}
			String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
			return isCommit(commit) ? Optional.of(commit) : Optional.empty();
		} catch (IOException e) {
			return Optional.empty();
		}
	}

	/** The snapshot if every file is in it (a broken link counts as missing); reads no more than needed. */
	Optional<HubSnapshot> snapshot(HubRepoId id, List<String> files) {
		Optional<String> commit = commitOf(id);
		if (commit.isEmpty()) {
			return Optional.empty();
		}
		return snapshotAt(id, commit.get(), files);
	}

	Optional<HubSnapshot> snapshotAt(HubRepoId id, String commit, List<String> files) {
		for (String f : files) {
			if (!Files.isRegularFile(pointer(id, commit, f))) {
				return Optional.empty();
			}
		}
		Map<String, Path> paths = new LinkedHashMap<>();
		Map<String, String> sha = new LinkedHashMap<>();
		try {
			for (String f : files) {
				Path p = pointer(id, commit, f);
				paths.put(f, p);
				sha.put(f, sha256Of(p, null));
			}
		} catch (IOException e) {
			return Optional.empty();
		}
		return Optional.of(new HubSnapshot(id, commit, paths, sha, true));
	}

	/** A snapshot of this repo (any commit) that holds every file, to suggest when the network is down. */
	Optional<String> anySnapshotWith(HubRepoId id, List<String> files) {
		Path snapshots = repoDir(id).resolve("snapshots");
		if (!Files.isDirectory(snapshots)) {
			return Optional.empty();
		}
		try (DirectoryStream<Path> ds = Files.newDirectoryStream(snapshots)) {
			for (Path dir : ds) {
				String commit = dir.getFileName().toString();
				if (isCommit(commit) && files.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)))) {
					return Optional.of(commit);
				}
			}
		} catch (IOException e) {
			// only a hint for a message
		}
		return Optional.empty();
	}

	/**
	 * The SHA-256 of a snapshot file: the blob's name when it is one (an LFS file, whose etag is its
	 * sha256; trusted as huggingface_hub trusts its cache), else computed from the content.
	 */
	static String sha256Of(Path pointer, String etag) throws IOException {
		if (isSha256(etag)) {
			return etag;
		}
		if (Files.isSymbolicLink(pointer)) {
			Path target = Files.readSymbolicLink(pointer).getFileName();
			if (target != null && isSha256(target.toString())) {
				return target.toString();
			}
		}
		MessageDigest md = sha256();
		try (InputStream in = Files.newInputStream(pointer)) {
			byte[] buf = new byte[1 << 16];
			int n;
			while ((n = in.read(buf)) > 0) {
				md.update(buf, 0, n);
			}
		}
		return HexFormat.of().formatHex(md.digest());
	}

	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("this Java has no SHA-256", e);
		}
	}

	/**
	 * Makes {@code pointer} a relative symlink to {@code blob} (e.g. {@code ../../blobs/<etag>}) unless
	 * it already resolves to a file. Where symlinks cannot be made (Windows without the privilege, a
	 * file system without them) it does what huggingface_hub does: a blob just downloaded is moved to
	 * the pointer, an older one copied.
	 */
	static void link(Path blob, Path pointer, boolean newBlob) throws IOException {
		if (Files.isRegularFile(pointer)) {
			return;
		}
		Files.createDirectories(pointer.getParent());
		Path target = pointer.getParent().relativize(blob);
		// made under a temporary name and renamed over the pointer, so that a broken link is
		// replaced and two threads or processes linking the same file do not trip over each other
		Path tmp = pointer.resolveSibling("." + pointer.getFileName() + "." + UUID.randomUUID() + ".tmp");
		try {
			Files.createSymbolicLink(tmp, target);
			moveAtomically(tmp, pointer);
			return;
		} catch (UnsupportedOperationException | FileSystemException | SecurityException e) {
			Files.deleteIfExists(tmp);
		}
		if (Files.isRegularFile(pointer)) {
			return;
		}
		if (newBlob) {
			moveAtomically(blob, pointer);
		} else {
			Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
			try {
				moveAtomically(tmp, pointer);
			} finally {
				Files.deleteIfExists(tmp);
			}
		}
	}

	/** Writes refs/{revision} (the commit, no newline) unless it already says so. */
	void writeRef(HubRepoId id, String commit) throws IOException {
		Path ref = ref(id, id.revision());
		if (Files.isRegularFile(ref) && Files.readString(ref, StandardCharsets.UTF_8).strip().equals(commit)) {
			return;
		}
		Files.createDirectories(ref.getParent());
		Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
		try {
			Files.writeString(tmp, commit, StandardCharsets.UTF_8);
			moveAtomically(tmp, ref);
		} finally {
			Files.deleteIfExists(tmp);
		}
	}

	static void moveAtomically(Path from, Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		} catch (java.nio.file.AtomicMoveNotSupportedException e) {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
		}
	}
}
