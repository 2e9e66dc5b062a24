package org.duodistill.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The regular files under a folder, reached through the folder's own symbolic link when it is one
 * ({@code Files.walk} does not follow its starting link, so a linked data or class folder looked
 * empty), each named under the folder as given. Links inside the folder are not followed.
 */
public final class FolderWalk {
	private FolderWalk() {}

	public static List<Path> regularFiles(Path dir) throws IOException {
		Path root = Files.isSymbolicLink(dir) ? dir.toRealPath() : dir;
		try (Stream<Path> s = Files.walk(root)) {
			return s.filter(Files::isRegularFile).map(p -> root == dir ? p : dir.resolve(root.relativize(p).toString())).toList();
		}
	}
}
