package org.duodistill.spark;

import org.apache.spark.sql.SparkSession;
import org.duodistill.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the Spark tests share, made once per test JVM: a local[2] session, a tiny model trained on
 * the sample images with the real PyTorch engine, a folder of 30 PNGs, a 15-frame DICOM volume, a
 * damaged DICOM, a cut-off PNG and a text file, and the same PNGs in class folders. Hadoop's view
 * file system mounts the folder as {@code viewfs://archive/data/}.
 */
final class SparkFixture {
	static final Path SAMPLES = Path.of("..", "sample-images");
	static final Path DICOM = Path.of("..", "src", "test", "resources", "data", "dicom");
	static final String REMOTE = "viewfs://archive/data/";

	static final Path tmp;
	static final Path model;
	static final Path images;
	static final Path labelled;
	static final SparkSession spark;

	record Run(int code, String out, String err) {}

	static {
		try {
			System.setProperty("java.awt.headless", "true");
			tmp = Files.createTempDirectory("duodistill-spark-test-");
			Runtime.getRuntime().addShutdownHook(new Thread(SparkFixture::deleteTmp));
			images = tmp.resolve("images");
			labelled = tmp.resolve("labelled");
			model = tmp.resolve("model");
			makeData();
			Run t = core("train", "--data", labelled, "--output", model, "--teacher-arch", "resnet10-w8", "--student-arch", "resnet10-w4",
					"--size", "32", "--epochs", "1", "--batch", "8", "--seed", "3");
			assertEquals(0, t.code(), t.toString());
			spark = SparkSession.builder().master("local[2]").appName("duodistill-spark tests").config("spark.ui.enabled", "false").getOrCreate();
			spark.sparkContext().hadoopConfiguration().set("fs.viewfs.mounttable.archive.link./data", tmp.toUri().toString());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private SparkFixture() {}

	private static void makeData() throws IOException {
		for (String c : List.of("axial", "coronal", "sagittal")) {
			Files.createDirectories(labelled.resolve(c));
			Files.createDirectories(images.resolve(c));
			List<Path> some;
			try (Stream<Path> s = Files.list(SAMPLES.resolve(c))) {
				some = s.sorted().limit(10).toList();
			}
			for (Path p : some) {
				Files.copy(p, images.resolve(c).resolve(p.getFileName()));
				Files.copy(p, labelled.resolve(c).resolve(p.getFileName()));
			}
		}
		Files.copy(DICOM.resolve("rtdose.dcm"), images.resolve("rtdose.dcm"));
		Files.copy(DICOM.resolve("MR_truncated.dcm"), images.resolve("MR_truncated.dcm"));
		byte[] png;
		try (Stream<Path> s = Files.list(images.resolve("axial"))) {
			png = Files.readAllBytes(s.sorted().findFirst().orElseThrow());
		}
		Files.write(images.resolve("cut-off.png"), java.util.Arrays.copyOf(png, 120));
		Files.writeString(images.resolve("notes.txt"), "not an image\n");
		Files.write(labelled.resolve("axial").resolve("zz-cut-off.png"), java.util.Arrays.copyOf(png, 120));
		// beside the class folders, as in a real dataset: documentation the loader passes over without a word
		Files.writeString(labelled.resolve("README.md"), "three MRI planes\n");
	}

	private static void deleteTmp() {
		try (Stream<Path> s = Files.walk(tmp)) {
			for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
		} catch (IOException e) {
			// a temporary folder; the system cleans it eventually
		}
	}

	/** The path as the view file system shows it. */
	static String remote(Path local) {
		return REMOTE + tmp.relativize(local).toString().replace('\\', '/');
	}

	/** The single-machine command line. */
	static Run core(Object... args) {
		return run(true, args);
	}

	/** The Spark job in the shared session. */
	static Run job(Object... args) {
		return run(false, args);
	}

	private static Run run(boolean core, Object... args) {
		String[] a = new String[args.length];
		for (int i = 0; i < args.length; i++) a[i] = args[i].toString();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
			int code = core ? Main.run(a, o, e) : SparkMain.run(spark, a, o, e);
			return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
		}
	}

	/** The part files of a Spark CSV output, in part order, header lines dropped after the first. */
	static List<String> csvLines(Path folder) throws IOException {
		List<Path> parts;
		try (Stream<Path> s = Files.list(folder)) {
			parts = s.filter(p -> p.getFileName().toString().startsWith("part-") && p.toString().endsWith(".csv")).sorted().toList();
		}
		List<String> lines = new ArrayList<>();
		for (Path p : parts) {
			List<String> l = Files.readAllLines(p);
			lines.addAll(lines.isEmpty() ? l : l.subList(1, l.size()));
		}
		return lines;
	}
}
