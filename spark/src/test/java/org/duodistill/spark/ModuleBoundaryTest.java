package org.duodistill.spark;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleBoundaryTest {
	/** The job is inference only: it uses the core's data, model and infer packages (and the command line's option parser), never training or Fiji. */
	@Test
	void theSparkClassesReferenceNoTrainingFijiOrStudyCode() throws IOException {
		List<String> offending = new ArrayList<>();
		int classes = 0;
		try (Stream<Path> s = Files.walk(Path.of("target", "classes"))) {
			for (Path p : s.filter(f -> f.toString().endsWith(".class")).toList()) {
				classes++;
				String constants = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
				for (String pkg : List.of("org/duodistill/train/", "org/duodistill/fiji/", "org/duodistill/study/", "org/scijava/")) {
					if (constants.contains(pkg)) offending.add(p.getFileName() + " -> " + pkg);
				}
				assertTrue(constants.contains("org/duodistill/") || p.toString().contains("InputFile"), "the check reads constant pools: " + p);
			}
		}
		assertTrue(classes >= 10, "found the module's classes");
		assertEquals(List.of(), offending);
	}

	@Test
	void libtorchThreadsPerTaskAreTheTasksShareOfTheCores() {
		assertEquals(8, ShippedModel.threadsPerTask(new SparkConf().set("spark.master", "local"), 8));
		assertEquals(2, ShippedModel.threadsPerTask(new SparkConf().set("spark.master", "local[4]"), 8));
		assertEquals(1, ShippedModel.threadsPerTask(new SparkConf().set("spark.master", "local[*]"), 8));
		assertEquals(1, ShippedModel.threadsPerTask(new SparkConf().set("spark.master", "local[2]"), 2), "the tests' and the benchmark's case");
		assertEquals(4, ShippedModel.threadsPerTask(new SparkConf().set("spark.master", "local[2,3]"), 8), "local[N,retries]");
		assertEquals(1, ShippedModel.threadsPerTask(new SparkConf().set("spark.master", "yarn").set("spark.executor.cores", "4"), 16));
		assertEquals(2, ShippedModel.threadsPerTask(new SparkConf().set("spark.master", "spark://h:7077").set("spark.task.cpus", "2"), 16));
		assertFalse(Locations.isLocal("hdfs://nn/x"));
		assertTrue(Locations.isLocal("C:\\data\\x.png") && Locations.isLocal("/data/x.png") && Locations.isLocal("file:/data/x.png"));
	}
}
