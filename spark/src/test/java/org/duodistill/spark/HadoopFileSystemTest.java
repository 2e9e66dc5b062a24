package org.duodistill.spark;

import org.duodistill.data.Csv;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs, model and output behind a Hadoop file system that is not the local one: Hadoop's view
 * file system ({@code viewfs://archive/...}, a mount table over a temporary folder) goes through the
 * same FileSystem calls as hdfs:// or s3a:// (listing, globbing, open, copy, committer), so the
 * remote code paths run here without a cluster.
 */
class HadoopFileSystemTest {
	static final Path root = SparkFixture.tmp;

	static String remote(Path local) {
		return SparkFixture.remote(local);
	}

	/** Rows of a CSV by file name (the folder differs: viewfs:// against a local path). */
	static Map<String, String> byName(List<String> lines) {
		Map<String, String> m = new HashMap<>();
		for (String l : lines.subList(1, lines.size())) {
			List<String> f = Csv.parseLine(l);
			String name = Path.of(f.get(0).replace("viewfs://archive/data/", "")).getFileName() + "#" + f.get(1);
			m.put(name, String.join(",", f.subList(1, f.size())));
		}
		return m;
	}

	@Test
	void aRemoteFolderModelAndOutputGiveTheLocalPredictions() throws IOException {
		Path single = root.resolve("local-for-remote.csv");
		assertEquals(0, SparkFixture.core("classify", "--model", SparkFixture.model, "--input", SparkFixture.images, "--output", single).code());
		String out = remote(root) + "/remote-out.csv";
		SparkFixture.Run r = SparkFixture.job("classify", "--model", remote(SparkFixture.model), "--input", remote(SparkFixture.images), "--output", out);
		assertEquals(0, r.code(), r.toString());
		Path written = root.resolve("remote-out.csv");
		assertTrue(Files.exists(written.resolve("_SUCCESS")));
		List<String> lines = SparkFixture.csvLines(written);
		assertTrue(lines.get(1).startsWith("viewfs://archive/data/images/"), lines.get(1));
		Map<String, String> expected = byName(Files.readAllLines(single));
		Map<String, String> got = byName(lines);
		int ok = 0;
		for (Map.Entry<String, String> e : expected.entrySet()) {
			assertEquals(e.getValue() + ",ok,", got.get(e.getKey()), e.getKey());
			ok++;
		}
		assertEquals(45, ok);
		assertTrue(got.get("cut-off.png#").contains(",unreadable,"), got.get("cut-off.png#"));
		assertTrue(got.get("MR_truncated.dcm#").contains(",unreadable,"), got.get("MR_truncated.dcm#"));
		assertEquals(48, got.size(), "45 rows and 3 unreadable files");
	}

	@Test
	void aRemoteGlobSelectsFiles() throws IOException {
		String out = remote(root) + "/glob-out.csv";
		SparkFixture.Run r = SparkFixture.job("classify", "--model", SparkFixture.model, "--input", remote(SparkFixture.images) + "/*/*.png",
				"--output", out);
		assertEquals(0, r.code(), r.toString());
		List<String> lines = SparkFixture.csvLines(root.resolve("glob-out.csv"));
		assertEquals(31, lines.size(), "header and the 30 PNGs in class folders, not the files beside them");
		List<String> files = lines.subList(1, lines.size()).stream().map(l -> Csv.parseLine(l).get(0)).toList();
		assertEquals(files.stream().sorted().toList(), files, "sorted by path");
	}

	@Test
	void aRemoteLabelledFolderGivesTheLocalMetrics() {
		SparkFixture.Run single = SparkFixture.core("evaluate", "--model", SparkFixture.model, "--data", SparkFixture.labelled);
		SparkFixture.Run s = SparkFixture.job("evaluate", "--model", SparkFixture.model, "--data", remote(SparkFixture.labelled));
		assertEquals(0, s.code(), s.toString());
		assertEquals(single.out(), s.out());
		assertTrue(s.err().contains("zz-cut-off.png"), s.err());
		assertFalse(s.err().contains("README.md"), "documentation beside the class folders is not reported, as locally: " + s.err());
	}
}
