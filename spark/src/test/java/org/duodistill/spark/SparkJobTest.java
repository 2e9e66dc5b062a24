package org.duodistill.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.duodistill.spark.SparkFixture.Run;
import org.duodistill.data.Csv;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark job in local mode (two task slots) against the single-machine commands, in one JVM with
 * the real PyTorch engine, on {@link SparkFixture}'s data.
 */
class SparkJobTest {
	static final Path tmp = SparkFixture.tmp;
	static final Path model = SparkFixture.model;
	static final Path images = SparkFixture.images;
	static final Path labelled = SparkFixture.labelled;
	static final SparkSession spark = SparkFixture.spark;

	static Run core(Object... args) {
		return SparkFixture.core(args);
	}

	static Run job(Object... args) {
		return SparkFixture.job(args);
	}

	static List<String> csvLines(Path folder) throws IOException {
		return SparkFixture.csvLines(folder);
	}

	@Test
	void classifyGivesTheSingleMachineRowsInOrderPlusAReasonRowForEachUnreadableFile() throws IOException {
		Path single = tmp.resolve("single.csv");
		Run c = core("classify", "--model", model, "--input", images, "--output", single);
		assertEquals(0, c.code(), c.toString());
		Path folder = tmp.resolve("spark.csv");
		Run s = job("classify", "--model", model, "--input", images, "--output", folder, "--partitions", "5");
		assertEquals(0, s.code(), s.toString());
		assertTrue(Files.exists(folder.resolve("_SUCCESS")), "committed");

		List<String> expected = Files.readAllLines(single);
		List<String> got = csvLines(folder);
		assertEquals(expected.get(0) + ",status,reason", got.get(0));
		List<String> ok = new ArrayList<>();
		List<List<String>> unreadable = new ArrayList<>();
		for (String line : got.subList(1, got.size())) {
			List<String> f = Csv.parseLine(line);
			if (f.get(f.size() - 2).equals("ok")) {
				assertEquals("", f.get(f.size() - 1), line);
				ok.add(line.substring(0, line.length() - ",ok,".length()));
			} else {
				unreadable.add(f);
			}
		}
		assertEquals(expected.subList(1, expected.size()), ok, "the same rows, row for row, as classify");
		assertEquals(30 + 15, ok.size(), "30 images and 15 dose frames");
		List<String> names = unreadable.stream().map(f -> Path.of(f.get(0)).getFileName().toString()).sorted().toList();
		assertEquals(List.of("MR_truncated.dcm", "cut-off.png", "notes.txt"), names);
		for (List<String> f : unreadable) {
			assertEquals("unreadable", f.get(f.size() - 2));
			assertFalse(f.get(f.size() - 1).isBlank(), "a reason for " + f.get(0));
			assertEquals("", f.get(1), "no slice for an unreadable file");
			assertEquals("", f.get(2), "no prediction for an unreadable file");
		}
		assertTrue(unreadable.stream().anyMatch(f -> f.get(0).endsWith("MR_truncated.dcm") && f.get(f.size() - 1).contains("truncated")),
				unreadable.toString());
		assertTrue(s.err().contains("skipped " + images.resolve("notes.txt")), s.err());
	}

	@Test
	void volumesAreCutInThePlaneAskedForAsClassifyCutsThem() throws IOException {
		Path volumes = tmp.resolve("volumes");
		Files.createDirectories(volumes);
		Files.copy(Path.of("../src/test/resources/data/nifti/anatomical.nii"), volumes.resolve("anatomical.nii"));
		Path single = tmp.resolve("single-sagittal.csv");
		assertEquals(0, core("classify", "--model", model, "--input", volumes, "--output", single, "--plane", "sagittal").code());
		List<String> expected = Files.readAllLines(single);
		assertEquals(1 + 33, expected.size(), "33 sagittal slices of a 33 x 41 x 25 LAS volume");
		Path out = tmp.resolve("sagittal.csv");
		Run r = job("classify", "--model", model, "--input", volumes, "--output", out, "--plane", "sagittal");
		assertEquals(0, r.code(), r.toString());
		List<String> got = csvLines(out);
		List<String> ok = new ArrayList<>();
		for (String line : got.subList(1, got.size())) if (line.endsWith(",ok,")) ok.add(line.substring(0, line.length() - ",ok,".length()));
		assertEquals(expected.subList(1, expected.size()), ok, "the same rows as classify --plane sagittal");
		Run both = job("classify", "--model", model, "--input", volumes, "--plane", "axial", "--slice-axis", "z");
		assertEquals(2, both.code(), both.toString());
		assertTrue(both.err().contains("give either --plane or --slice-axis, not both"), both.err());
	}

	@Test
	void aListOfPathsGivesParquetWithTheSamePredictions() throws IOException {
		Path single = tmp.resolve("single-axial.csv");
		Path axial = images.resolve("axial");
		assertEquals(0, core("classify", "--model", model, "--input", axial, "--output", single).code());
		List<String> expected = Files.readAllLines(single);
		Path list = tmp.resolve("list.csv");
		StringBuilder b = new StringBuilder("path\n");
		try (Stream<Path> s = Files.list(axial)) {
			// relative to the list's folder, in reverse order: the output follows the list
			for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) b.append(tmp.relativize(p)).append('\n');
		}
		b.append("images/missing.png\n");
		Files.writeString(list, b);
		Path out = tmp.resolve("axial.parquet");
		Run r = job("classify", "--model", model, "--input", list, "--output", out);
		assertEquals(0, r.code(), r.toString());
		List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
		assertEquals(11, rows.size());
		List<String> columns = List.of(spark.read().parquet(out.toString()).columns());
		assertEquals(List.of("file", "slice", "predicted", "confidence", "p_axial", "p_coronal", "p_sagittal", "status", "reason"), columns);
		for (int i = 0; i < 10; i++) {
			Row row = rows.get(i);
			List<String> e = Csv.parseLine(expected.get(10 - i));
			assertEquals(Path.of(e.get(0)).toAbsolutePath().normalize().toString(), row.getString(0), "in list order");
			assertEquals(e.get(2), row.getString(2));
			for (int k = 0; k < 4; k++) assertEquals(Double.parseDouble(e.get(3 + k)), row.getFloat(3 + k), 5e-7, "probability " + k);
			assertEquals("ok", row.getString(7));
		}
		Row missing = rows.get(10);
		assertEquals("unreadable", missing.getString(7));
		assertTrue(missing.getString(8).contains("not found") || missing.getString(8).contains("NoSuchFile"), missing.getString(8));
	}

	@Test
	void evaluateGivesTheSingleMachineMetrics() {
		Run single = core("evaluate", "--model", model, "--data", labelled);
		assertEquals(0, single.code(), single.toString());
		Run s = job("evaluate", "--model", model, "--data", labelled, "--partitions", "4");
		assertEquals(0, s.code(), s.toString());
		assertEquals(single.out(), s.out(), "identical metrics");
		assertTrue(s.out().contains("accuracy,"), s.out());
		assertTrue(s.err().contains("zz-cut-off.png"), "the unreadable file is reported: " + s.err());
	}

	@Test
	void evaluateScoresTheTestSplitAsTheSingleMachineDoes() throws IOException {
		Path split = tmp.resolve("split");
		for (String c : List.of("axial", "coronal", "sagittal")) {
			List<Path> files;
			try (Stream<Path> s = Files.list(labelled.resolve(c))) {
				files = s.filter(p -> p.toString().endsWith(".png") && !p.getFileName().toString().startsWith("zz")).sorted().toList();
			}
			for (int i = 0; i < files.size(); i++) {
				Path to = split.resolve(i < 7 ? "train" : "test").resolve(c).resolve(files.get(i).getFileName());
				Files.createDirectories(to.getParent());
				Files.copy(files.get(i), to);
			}
		}
		Run single = core("evaluate", "--model", model, "--data", split);
		Run s = job("evaluate", "--model", model, "--data", split);
		assertEquals(0, s.code(), s.toString());
		assertEquals(single.out(), s.out());
		assertTrue(s.out().contains("\nn,9\n"), "3 test images per class: " + s.out());
		// the same files as a Parquet list path,label,split
		Path list = tmp.resolve("split-list.parquet");
		List<org.apache.spark.sql.Row> rows = new ArrayList<>();
		try (Stream<Path> w = Files.walk(split)) {
			for (Path p : w.filter(Files::isRegularFile).sorted().toList()) {
				Path rel = split.relativize(p);
				rows.add(org.apache.spark.sql.RowFactory.create(p.toAbsolutePath().toString(), rel.getName(1).toString(), rel.getName(0).toString()));
			}
		}
		var schema = new org.apache.spark.sql.types.StructType().add("path", "string").add("label", "string").add("split", "string");
		spark.createDataFrame(rows, schema).write().parquet(list.toString());
		Run fromList = job("evaluate", "--model", model, "--data", list);
		assertEquals(0, fromList.code(), fromList.toString());
		assertEquals(single.out(), fromList.out(), "the same metrics from a Parquet list");
	}

	@Test
	void aMissingModelFailsBeforeAnyTaskRuns() {
		spark.sparkContext().setJobGroup("missing-model", "missing model", false);
		try {
			Path missing = tmp.resolve("no-such-model");
			Run r = job("classify", "--model", missing, "--input", images, "--output", tmp.resolve("never.csv"));
			assertEquals(1, r.code(), r.toString());
			assertTrue(r.err().contains(missing.toString()) && r.err().contains("model folder not found"), r.err());
			assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
			assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup("missing-model").length, "no Spark job started");
			assertFalse(Files.exists(tmp.resolve("never.csv")));
		} finally {
			spark.sparkContext().clearJobGroup();
		}
	}

	@Test
	void anExistingOutputIsKeptUnlessOverwriteIsGiven() throws IOException {
		Path out = tmp.resolve("twice.csv");
		Path axial = images.resolve("axial");
		assertEquals(0, job("classify", "--model", model, "--input", axial, "--output", out).code());
		List<String> first = csvLines(out);
		Run again = job("classify", "--model", model, "--input", images.resolve("coronal"), "--output", out);
		assertEquals(1, again.code(), again.toString());
		assertTrue(again.err().contains("exists") && again.err().contains("--overwrite"), again.err());
		assertEquals(first, csvLines(out), "untouched");
		assertEquals(0, job("classify", "--model", model, "--input", images.resolve("coronal"), "--output", out, "--overwrite").code());
		assertNotEquals(first, csvLines(out));
	}

	@Test
	void aCsvJobThatFailsWhileWritingLeavesNoResultThatLooksComplete() throws IOException {
		var hadoop = spark.sparkContext().hadoopConfiguration();
		hadoop.set("mapreduce.outputcommitter.factory.class", FailingSecondTaskCommitter.class.getName());
		try {
			interruptedWrite(tmp.resolve("interrupted.csv"), FailingSecondTaskCommitter.MESSAGE);
		} finally {
			hadoop.unset("mapreduce.outputcommitter.factory.class");
		}
	}

	@Test
	void aParquetJobThatFailsWhileWritingLeavesNoResultThatLooksComplete() throws IOException {
		spark.conf().set("spark.sql.sources.commitProtocolClass", FailingSecondTaskCommit.class.getName());
		try {
			interruptedWrite(tmp.resolve("interrupted.parquet"), FailingSecondTaskCommit.MESSAGE);
		} finally {
			spark.conf().unset("spark.sql.sources.commitProtocolClass");
		}
	}

	private static List<String> listing(Path dir) {
		try (Stream<Path> s = Files.walk(dir)) {
			return s.map(p -> dir.relativize(p).toString()).sorted().toList();
		} catch (IOException e) {
			return List.of(e.toString());
		}
	}

	/** Four write tasks, the second one's commit fails after the first has committed its part. */
	private void interruptedWrite(Path out, String message) throws IOException {
		Run r = job("classify", "--model", model, "--input", images, "--output", out, "--partitions", "4", "--part-per-partition");
		assertEquals(1, r.code(), r.toString());
		assertTrue(r.err().contains(message), r.err());
		// the committer never put a part file or _SUCCESS in place, and the job removed what its tasks left behind
		assertFalse(Files.exists(out), () -> "nothing left at " + out + ": " + listing(out));
		Run again = job("classify", "--model", model, "--input", images.resolve("axial"), "--output", out);
		assertEquals(0, again.code(), "the same command then runs without --overwrite: " + again);
		assertTrue(Files.exists(out.resolve("_SUCCESS")));
	}

	@Test
	void theModelIsLoadedOncePerExecutorJvmNotPerTask() throws IOException {
		// a copy with its own content: a model this JVM has not loaded yet
		Path copy = tmp.resolve("model-copy");
		Files.createDirectories(copy);
		for (String f : List.of("model.json", "weights.safetensors")) Files.copy(model.resolve(f), copy.resolve(f));
		Files.writeString(copy.resolve("model.json"), Files.readString(copy.resolve("model.json")) + "\n");
		Run first = job("classify", "--model", copy, "--input", images, "--output", tmp.resolve("loads-1.csv"), "--partitions", "6");
		assertEquals(0, first.code(), first.toString());
		assertTrue(first.out().contains("in 6 partition(s)") && first.out().contains("model loaded 1 time(s)"), first.out());
		Run second = job("classify", "--model", copy, "--input", images, "--output", tmp.resolve("loads-2.csv"), "--partitions", "6");
		assertTrue(second.out().contains("model loaded 0 time(s)"), "kept by the executor: " + second.out());
	}

	@Test
	void wrongUsageSaysWhatIsWrong() {
		Run r = job("classify", "--model", model, "--input", images, "--format", "xml", "--output", tmp.resolve("x"));
		assertEquals(2, r.code());
		assertTrue(r.err().contains("--format must be csv or parquet"), r.err());
		Run u = job("classify", "--model", model, "--input", images, "--epochs", "3");
		assertEquals(2, u.code());
		assertTrue(u.err().contains("unknown option --epochs"), u.err());
	}
}
