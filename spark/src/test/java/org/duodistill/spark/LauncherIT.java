package org.duodistill.spark;

import org.duodistill.spark.Launchers.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/duodistill-spark as the README runs it after {@code mvn package}: a JVM of its own, local[*],
 * Spark from spark/target/spark-lib, nothing downloaded.
 */
class LauncherIT {
	@TempDir
	static Path tmp;
	static Path model;

	static Run run(String launcher, String... args) throws IOException, InterruptedException {
		return Launchers.run(tmp, Map.of(), launcher, args);
	}

	@BeforeAll
	static void trainWithTheCommandLine() throws Exception {
		model = tmp.resolve("model");
		Run t = run("duodistill", "train", "--data", "sample-images", "--output", model.toString(), "--teacher-arch", "resnet10-w8",
				"--student-arch", "resnet10-w4", "--size", "32", "--epochs", "1", "--threads", "2");
		assertEquals(0, t.code(), t.toString());
	}

	@Test
	void classifiesAFolderInLocalModeAndWritesCsvThroughTheCommitter() throws Exception {
		Path out = tmp.resolve("coronal.csv");
		Run r = run("duodistill-spark", "classify", "--model", model.toString(), "--input", "sample-images/coronal", "--output", out.toString());
		assertEquals(0, r.code(), r.toString());
		assertTrue(r.out().contains("100 prediction(s)") && r.out().contains("model loaded 1 time(s)"), r.out());
		assertTrue(Files.exists(out.resolve("_SUCCESS")));
		List<String> lines;
		try (Stream<Path> s = Files.list(out)) {
			Path part = s.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
			lines = Files.readAllLines(part);
		}
		assertEquals("file,slice,predicted,confidence,p_axial,p_coronal,p_sagittal,status,reason", lines.get(0));
		assertEquals(101, lines.size());
		assertTrue(lines.get(1).startsWith("sample-images/coronal/") && lines.get(1).endsWith(",ok,"), lines.get(1));
		assertTrue(r.err().lines().noneMatch(l -> l.contains(" INFO ")), "Spark's INFO log stays quiet: " + r.err());
	}

	@Test
	void aMissingModelOrInputFailsBeforeSparkStarts() throws Exception {
		Path missing = tmp.resolve("nothing-here");
		Run r = run("duodistill-spark", "evaluate", "--model", missing.toString(), "--data", "sample-images");
		assertEquals(1, r.code(), r.toString());
		assertEquals(List.of("duodistill-spark: error: " + missing + ": model folder not found"), r.err().strip().lines().toList());
		Run noInput = run("duodistill-spark", "classify", "--model", model.toString(), "--input", missing.toString());
		assertEquals(1, noInput.code(), noInput.toString());
		assertEquals(List.of("duodistill-spark: error: " + missing + ": input file or folder not found"), noInput.err().strip().lines().toList());
	}
}
