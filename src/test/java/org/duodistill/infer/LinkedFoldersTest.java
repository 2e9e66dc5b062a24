package org.duodistill.infer;

import org.duodistill.data.DatasetLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A folder reached through a symbolic link is read like the folder itself: classify's listing and a dataset's class folders. */
class LinkedFoldersTest {
	@Test
	void aLinkedFolderListsTheFilesOfItsTarget(@TempDir Path tmp) throws Exception {
		Path real = tmp.resolve("real");
		Path axial = Path.of("sample-images/axial");
		Files.createDirectories(real.resolve("axial"));
		try (var s = Files.list(axial)) {
			for (Path p : s.sorted().limit(3).toList()) Files.copy(p, real.resolve("axial").resolve(p.getFileName()));
		}
		Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
		List<Path> files = FolderClassification.files(link);
		assertEquals(3, files.size(), files.toString());
		for (Path f : files) assertTrue(f.startsWith(link), "named under the folder given: " + f);

		// a class folder that is itself a link
		Path data = tmp.resolve("data");
		Files.createDirectories(data);
		Files.createSymbolicLink(data.resolve("axial"), real.resolve("axial"));
		List<DatasetLoader.Entry> entries = DatasetLoader.entries(data).entries();
		assertEquals(3, entries.size(), entries.toString());
		assertEquals("axial", entries.get(0).label());
	}
}
