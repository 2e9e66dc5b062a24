package org.duodistill.data;

import java.nio.file.Path;

/**
 * Started in its own JVM by {@link QuietConsoleTest}: reads the given files the way every command
 * does and starts the deep learning engine, printing one line per file, so that the test can see
 * everything else that reaches the console.
 */
public final class ReadFilesMain {
	private ReadFilesMain() {}

	public static void main(String[] args) throws Exception {
		ImageReaders readers = ImageReaders.standard();
		for (String a : args) {
			try {
				ImageData d = readers.readData(Path.of(a), ReadOptions.DEFAULT.withTargetSize(32));
				System.out.println("read " + a + " by " + d.reader());
			} catch (ImageReadException e) {
				System.out.println("skipped " + a + ": " + e.reason());
			}
		}
		try (ai.djl.ndarray.NDManager m = org.duodistill.model.Engines.engine().newBaseManager()) {
			System.out.println("engine " + m.ones(new ai.djl.ndarray.types.Shape(2)).sum().getFloat());
		}
	}
}
