package org.duodistill.fiji;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A small labelled folder copied from the committed sample images, plus one corrupt file. */
final class FijiTestData {
	static final List<String> CLASSES = List.of("axial", "coronal", "sagittal");

	private FijiTestData() {}

	static Path labelledFolder(Path root, int perClass) throws IOException {
		Path data = root.resolve("data");
		for (String c : CLASSES) {
			Path dir = Files.createDirectories(data.resolve(c));
			try (Stream<Path> s = Files.list(Path.of("sample-images", c))) {
				for (Path p : s.sorted().limit(perClass).toList()) Files.copy(p, dir.resolve(p.getFileName()));
			}
		}
		Files.write(data.resolve("coronal").resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
		return data;
	}

	static Path sample(String cls, int index) throws IOException {
		try (Stream<Path> s = Files.list(Path.of("sample-images", cls))) {
			return s.sorted().skip(index).findFirst().orElseThrow();
		}
	}
}
