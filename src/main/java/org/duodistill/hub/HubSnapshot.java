package org.duodistill.hub;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot's files on disk, in the order asked for.
 *
 * @param id            the repo and revision asked for
 * @param commit        the commit the revision resolved to (the snapshot folder's name)
 * @param files         file name in the repo -> its path under {@code snapshots/<commit>/} (a
 *                      symlink into {@code blobs/}, or a copy where symlinks are not possible)
 * @param sha256        file name -> SHA-256 of its content (lower-case hex): the LFS sha256 for LFS
 *                      files, computed for small files
 * @param fromCacheOnly true when no request was made (everything was already in the cache)
 */
public record HubSnapshot(HubRepoId id, String commit, Map<String, Path> files, Map<String, String> sha256,
		boolean fromCacheOnly) {
	public HubSnapshot {
		files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
		sha256 = Collections.unmodifiableMap(new LinkedHashMap<>(sha256));
	}

	/** The path of one file of this snapshot; IllegalArgumentException if it was not asked for. */
	public Path file(String name) {
		Path p = files.get(name);
		if (p == null) {
			throw new IllegalArgumentException(name + " is not among the files fetched from " + id.display());
		}
		return p;
	}
}
