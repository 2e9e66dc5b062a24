package org.duodistill.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dataset over its memory budget goes to a disk cache and reads back exactly what was decoded. */
class DiskCacheTest {
	@TempDir
	Path dir;

	@Test
	void samplesBeyondTheBudgetAreCachedOnDiskAndReadBackExactly() throws Exception {
		Dataset inMemory = new DatasetLoader(ImageReaders.standard(), 32, null).load(TestImages.SAMPLES, true);
		long budget = 100L * 32 * 32 * 4; // room for 100 samples, the other 200 go to disk
		Dataset cached = new DatasetLoader(ImageReaders.standard(), 32, null).withMemoryBudget(budget, dir).load(TestImages.SAMPLES, true);
		assertEquals(inMemory.samples().size(), cached.samples().size());
		for (int i = 0; i < cached.samples().size(); i++) {
			assertArrayEquals(inMemory.samples().get(i).scaled(), cached.samples().get(i).scaled(), "sample " + i);
		}
		List<Path> files;
		try (Stream<Path> s = Files.list(dir)) {
			files = s.toList();
		}
		assertEquals(1, files.size());
		assertEquals((inMemory.samples().size() - 100) * 32L * 32 * 4, Files.size(files.get(0)));
		// The second read of a cached sample comes from the file, not from a kept copy.
		Sample last = cached.samples().get(cached.samples().size() - 1);
		assertTrue(last.scaled() != last.scaled(), "cached samples are read back each time");
	}
}
