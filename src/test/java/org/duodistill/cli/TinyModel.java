package org.duodistill.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A labelled folder of real 16-bit TIFFs, a folder of unlabelled ones and a tiny model trained on
 * them by the command line itself, made once per test JVM for the tests of the command line's
 * surface (help, progress, the documented command lines), which need a model but test no training.
 */
final class TinyModel {
	static final Path ROOT;
	static final Path LABELLED;
	static final Path UNLABELLED;
	static final Path MODEL;

	static {
		try {
			System.setProperty("java.awt.headless", "true");
			ROOT = Files.createTempDirectory("duodistill-cli-surface-");
			Runtime.getRuntime().addShutdownHook(new Thread(TinyModel::delete));
			LABELLED = ROOT.resolve("labelled");
			CommandLineTest.writeLabelledDataset(LABELLED, 8, 5);
			UNLABELLED = ROOT.resolve("unlabelled");
			Files.createDirectories(UNLABELLED);
			Random r = new Random(17);
			for (int i = 0; i < 6; i++) {
				CommandLineTest.saveTiff(CommandLineTest.synthetic(i % 2 == 0 ? "disc" : "bar", r), UNLABELLED.resolve("image-" + i + ".tif"));
			}
			MODEL = ROOT.resolve("models").resolve("tiny");
			CommandLineTest.Run t = CommandLineTest.cli("train", "--data", LABELLED, "--output", MODEL, "--teacher-arch", "resnet10-w8",
					"--student-arch", "resnet10-w4", "--method", "single-ws", "--size", "32", "--epochs", "1", "--batch", "8", "--threads", "2",
					"--seed", "3");
			assertEquals(0, t.code(), t.toString());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private TinyModel() {}

	private static void delete() {
		try (var s = Files.walk(ROOT)) {
			s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		} catch (IOException e) {
			// a temporary folder left behind is harmless
		}
	}
}
