package org.duodistill.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;
import ai.djl.Device;
import org.duodistill.data.Csv;
import org.duodistill.data.ImageReaders;
import org.duodistill.infer.Calibration;
import org.duodistill.infer.ConfidenceBins;
import org.duodistill.infer.EvaluationJob;
import org.duodistill.infer.ReliabilityDiagram;
import org.duodistill.model.Engines;
import org.duodistill.model.HostTensor;
import org.duodistill.model.SafeTensors;
import org.duodistill.study.StudyRow;
import org.duodistill.train.TrainingJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line end to end, through {@link Main#run}: real 16-bit TIFFs written with ImageJ 1,
 * the real PyTorch engine, tiny networks and two epochs. One model is trained once and shared.
 * Accuracy is not asserted: two epochs on 24 images do not reliably beat chance (benchmarks judge
 * accuracy).
 */
public class CommandLineTest {
	/** Keeps every training run in this class to a few seconds on two cores. */
	static final String[] TINY = {"--teacher-arch", "resnet10-w8", "--student-arch", "resnet10-w4", "--size", "32", "--epochs", "2",
			"--batch", "8", "--threads", "2", "--seed", "7"};
	/** Created before "bar" on purpose: class order must be by name, not by creation. */
	static final List<String> CLASSES = List.of("bar", "disc");
	static final int PER_CLASS = 16;
	static final int STACK_SLICES = 4;

	@TempDir
	static Path shared;
	static Path labelled;
	static Path unlabelled;
	static Path stack;
	static Path model;
	static Run trained;

	@TempDir
	Path work;

	public record Run(int code, String out, String err) {
		List<String> errLines() {
			return err.lines().filter(l -> !l.isBlank()).toList();
		}

		@Override
		public String toString() {
			return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
		}
	}

	public static Run cli(Object... args) {
		String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code;
		try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
			code = Main.run(a, o, e);
		}
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	/** {@code train} with the {@link #TINY} settings; the given options come last and so win. */
	static Run train(Object... args) {
		List<Object> all = new ArrayList<>();
		all.add("train");
		all.addAll(List.of((Object[]) TINY));
		all.addAll(List.of(args));
		return cli(all.toArray());
	}

	@BeforeAll
	static void trainSharedModel() throws Exception {
		System.setProperty("java.awt.headless", "true");
		labelled = shared.resolve("labelled");
		writeLabelledDataset(labelled, PER_CLASS, 1);
		unlabelled = shared.resolve("unlabelled");
		Files.createDirectories(unlabelled);
		Random r = new Random(99);
		saveTiff(synthetic("disc", r), unlabelled.resolve("a-disc.tif"));
		saveTiff(synthetic("bar", r), unlabelled.resolve("b-bar.tif"));
		stack = unlabelled.resolve("c-stack.tif");
		ImageStack s = new ImageStack(48, 48);
		for (int i = 0; i < STACK_SLICES; i++) s.addSlice(synthetic(i % 2 == 0 ? "disc" : "bar", r));
		assertTrue(new FileSaver(new ImagePlus("stack", s)).saveAsTiffStack(stack.toString()));
		model = shared.resolve("models").resolve("tiny");
		trained = train("--data", labelled, "--output", model);
		assertEquals(0, trained.code(), trained.toString());
	}

	// ------------------------------------------------------------------ synthetic images

	/** Class folders of 16-bit TIFFs; "disc" first so that name order differs from creation order. */
	static void writeLabelledDataset(Path root, int perClass, long seed) throws IOException {
		Random r = new Random(seed);
		for (String c : List.of("disc", "bar")) {
			Files.createDirectories(root.resolve(c));
			for (int i = 0; i < perClass; i++) saveTiff(synthetic(c, r), root.resolve(c).resolve(String.format("%s-%02d.tif", c, i)));
		}
	}

	/** A bright disc or a bright horizontal bar at a random place on a noisy 16-bit background. */
	static ShortProcessor synthetic(String kind, Random r) {
		int w = 48;
		int h = 48;
		ShortProcessor ip = new ShortProcessor(w, h);
		double background = 800 + 400 * r.nextDouble();
		double signal = 2500 + 1500 * r.nextDouble();
		double noise = 80 + 80 * r.nextDouble();
		int cx = 14 + r.nextInt(w - 28);
		int cy = 14 + r.nextInt(h - 28);
		int radius = 6 + r.nextInt(5);
		int half = 2 + r.nextInt(2);
		int x0 = 3 + r.nextInt(6);
		int x1 = w - 4 - r.nextInt(6);
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				boolean on = kind.equals("disc") ? (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius
						: Math.abs(y - cy) <= half && x >= x0 && x <= x1;
				double v = background + (on ? signal : 0) + noise * r.nextGaussian();
				ip.set(x, y, (int) Math.max(0, Math.min(65535, Math.round(v))));
			}
		}
		return ip;
	}

	static void saveTiff(ShortProcessor ip, Path file) {
		assertTrue(new FileSaver(new ImagePlus(file.getFileName().toString(), ip)).saveAsTiff(file.toString()), file.toString());
	}

	// ------------------------------------------------------------------ helpers

	static List<List<String>> readCsv(Path file) throws IOException {
		return parseCsv(Files.readString(file, StandardCharsets.UTF_8));
	}

	static List<List<String>> parseCsv(String text) {
		return text.lines().filter(l -> !l.isBlank()).map(Csv::parseLine).toList();
	}

	static Map<String, String> metricMap(List<List<String>> rows) {
		assertEquals(List.of("metric", "value"), rows.get(0));
		Map<String, String> m = new LinkedHashMap<>();
		for (List<String> row : rows.subList(1, rows.size())) {
			assertEquals(2, row.size(), row.toString());
			m.put(row.get(0), row.get(1));
		}
		return m;
	}

	static JsonObject modelJson(Path dir) throws IOException {
		return JsonParser.parseString(Files.readString(dir.resolve("model.json"))).getAsJsonObject();
	}

	static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> s = Files.walk(from)) {
			for (Path p : s.toList()) {
				Path t = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(t);
				else Files.copy(p, t);
			}
		}
	}

	static List<String> listing(Path dir) throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
		}
	}

	static long countSplit(Path splitCsv, String split) throws IOException {
		List<List<String>> rows = readCsv(splitCsv);
		assertEquals(List.of("file", "slice", "label", "split"), rows.get(0));
		return rows.stream().skip(1).filter(r -> r.get(3).equals(split)).count();
	}

	/**
	 * A failed command: the expected exit code (or any non-zero one when {@code code} is -1), exactly
	 * one {@code duodistill:} line on stderr that names the reason (for usage errors it comes first,
	 * followed by the usage text; otherwise it is the last line), nothing on stdout.
	 */
	static String assertFails(Run r, int code, String... mentions) {
		if (code < 0) assertNotEquals(0, r.code(), r.toString());
		else assertEquals(code, r.code(), r.toString());
		List<String> lines = r.errLines();
		assertFalse(lines.isEmpty(), r.toString());
		List<String> reasons = lines.stream().filter(l -> l.startsWith("duodistill:")).toList();
		assertEquals(1, reasons.size(), "one reason line\n" + r);
		String reason = reasons.get(0);
		if (r.code() == 2) {
			assertEquals(reason, lines.get(0), r.toString());
			assertTrue(lines.get(1).startsWith("usage:"), r.toString());
		} else {
			assertEquals(reason, lines.get(lines.size() - 1), r.toString());
			assertTrue(reason.startsWith("duodistill: error:"), r.toString());
		}
		for (String m : mentions) assertTrue(reason.contains(m), "reason should mention '" + m + "': " + reason);
		assertEquals("", r.out(), "nothing on stdout when failing");
		return reason;
	}

	/** The failed command left nothing at all in {@link #work}: no output folder, no hidden temporary folder beside it. */
	void assertNothingWritten() throws IOException {
		assertEquals(List.of(), listing(work), "files left behind in " + work);
	}

	// ------------------------------------------------------------------ train, evaluate, classify

	@Test
	void trainWritesACompleteModelFolder() throws Exception {
		assertTrue(trained.out().startsWith(model.toString()), trained.toString());
		assertEquals(1, trained.out().lines().count(), "one summary line on stdout: " + trained.out());
		for (String f : List.of("model.json", "weights.safetensors", "history.csv", "split.csv", "skipped-files.csv")) {
			assertTrue(Files.isRegularFile(model.resolve(f)), f + " in " + listing(model));
		}
		// No temporary or backup folder beside the model.
		assertEquals(List.of("tiny"), listing(model.getParent()).stream().filter(p -> !p.contains("/")).toList());

		JsonObject json = modelJson(model);
		assertEquals(1, json.get("format_version").getAsInt());
		JsonArray classes = json.getAsJsonArray("classes");
		assertEquals(CLASSES, classes.asList().stream().map(e -> e.getAsString()).toList());
		JsonObject arch = json.getAsJsonObject("architecture");
		assertEquals("resnet10-w4", arch.get("name").getAsString());
		assertEquals(CLASSES.size(), arch.get("num_classes").getAsInt());
		assertEquals(1, arch.get("in_channels").getAsInt());
		JsonObject prep = json.getAsJsonObject("preprocessing");
		assertEquals(32, prep.get("size").getAsInt());
		assertEquals(1, prep.get("channels").getAsInt());
		assertEquals(1, prep.getAsJsonArray("mean").size());
		assertEquals(1, prep.getAsJsonArray("std").size());
		assertEquals("dual-skd", json.get("method").getAsString());
		assertEquals("resnet10-w8", json.getAsJsonObject("teacher").getAsJsonObject("architecture").get("name").getAsString());

		// One history row per epoch: the auto teacher's two, then the student's two (SKD, fine-tune).
		List<List<String>> history = readCsv(model.resolve("history.csv"));
		assertEquals("model", history.get(0).get(0));
		List<List<String>> rows = history.subList(1, history.size());
		assertEquals(List.of("teacher", "teacher", "student", "student"), rows.stream().map(r -> r.get(0)).toList(), history.toString());
		assertEquals(List.of("ce", "ce", "skd", "finetune"), rows.stream().map(r -> r.get(1)).toList(), history.toString());
		assertEquals(List.of("1", "2"), rows.subList(0, 2).stream().map(r -> r.get(2)).toList());

		// Every image in exactly one split, stratified: something of each class in train, val and test.
		List<List<String>> split = readCsv(model.resolve("split.csv"));
		assertEquals(List.of("file", "slice", "label", "split"), split.get(0));
		assertEquals(2 * PER_CLASS, split.size() - 1);
		for (String c : CLASSES) {
			for (String s : List.of("train", "val", "test")) {
				assertTrue(split.stream().anyMatch(r -> r.get(2).equals(c) && r.get(3).equals(s)), c + " in " + s);
			}
		}
		assertEquals(List.of(List.of("file", "reason")), readCsv(model.resolve("skipped-files.csv")));
	}

	/** Random initialisation takes nothing from a teacher: none is trained, and any student family goes. */
	@Test
	void randomInitTrainsNoTeacherWhateverTheStudentFamily() throws Exception {
		Path out = work.resolve("random-vit");
		Run r = train("--data", labelled, "--output", out, "--method", "random", "--student-arch", "vit-e16-d1-h2-p8-i32");
		assertEquals(0, r.code(), r.toString());
		assertFalse(r.err().contains("training teacher"), r.err());
		assertTrue(Files.readString(out.resolve("model.json")).contains("\"kind\": \"none\""), "provenance says no teacher");
	}

	@Test
	void evaluateWritesMetricValueRowsForEveryImage() throws Exception {
		Path metrics = work.resolve("metrics.csv");
		Run r = cli("evaluate", "--model", model, "--data", labelled, "--output", metrics, "--threads", 2);
		assertEquals(0, r.code(), r.toString());
		assertTrue(r.out().startsWith(metrics.toString()), r.out());
		Map<String, String> m = metricMap(readCsv(metrics));
		for (String k : List.of("accuracy", "balanced_accuracy", "macro_f1", "macro_auc", "n")) assertTrue(m.containsKey(k), k + " in " + m);
		// The folder has no test/ sub-folder, so every image is evaluated.
		assertEquals(2 * PER_CLASS, Double.parseDouble(m.get("n")), 0.0);
		List<String> bounded = new ArrayList<>(List.of("accuracy", "balanced_accuracy", "macro_f1", "macro_auc"));
		for (String c : CLASSES) {
			for (String k : List.of("sensitivity_", "specificity_", "f1_")) {
				assertTrue(m.containsKey(k + c), k + c + " in " + m.keySet());
				bounded.add(k + c);
			}
			assertEquals(PER_CLASS, Double.parseDouble(m.get("support_" + c)), 0.0);
		}
		for (String k : bounded) {
			double v = Double.parseDouble(m.get(k));
			assertTrue(v >= 0 && v <= 1, k + " = " + v);
		}
		assertEquals(List.of("metrics-reliability.png", "metrics.csv"), listing(work), "the diagram beside the CSV, no temporary file");
		assertTrue(r.out().contains("reliability diagram " + work.resolve("metrics-reliability.png")), r.out());

		// Without --output the same CSV goes to stdout, and no diagram anywhere.
		Run s = cli("evaluate", "--model", model, "--data", labelled, "--threads", 2);
		assertEquals(0, s.code(), s.toString());
		assertEquals(Files.readString(metrics), s.out());
		assertEquals(List.of("metrics-reliability.png", "metrics.csv"), listing(work));
	}

	/**
	 * The diagram beside the CSV is a readable PNG drawn from the bins of the CSV's ece. A copy of the
	 * model given a temperature (2.5 in model.json, the same weights) adds the T = 1 curve, which is
	 * what the copy without one gives; the accuracy is the same with and without.
	 */
	@Test
	void evaluatesReliabilityDiagramIsAPngOfTheBinsBehindTheCsvsEce() throws Exception {
		Path calibrated = withCalibration(new Calibration("temperature", 2.5, "val", 5, 0.2, 0.1), "calibrated");
		Path uncalibrated = withCalibration(Calibration.NONE, "uncalibrated");
		Path csv = work.resolve("out").resolve("metrics.csv");
		Run r = cli("evaluate", "--model", calibrated, "--data", labelled, "--output", csv, "--threads", 2);
		assertEquals(0, r.code(), r.toString());
		Path png = work.resolve("out").resolve("metrics-reliability.png");
		BufferedImage img = ImageIO.read(png.toFile());
		assertNotNull(img, png + " is a PNG");
		assertTrue(img.getWidth() >= 500 && img.getWidth() <= 1200 && img.getHeight() >= 450 && img.getHeight() <= 1200,
				img.getWidth() + " x " + img.getHeight());

		EvaluationJob.Result e = EvaluationJob.run(calibrated, labelled, Device.cpu(), ImageReaders.standard());
		ReliabilityDiagram d = e.reliability(calibrated, labelled);
		Map<String, String> m = metricMap(readCsv(csv));
		assertEquals(2, d.curves().size(), "T = 1 and T = 2.5");
		assertEquals(m.get("ece"), Csv.number(d.deployed().bins().ece()), "the calibrated curve's ECE is the CSV's");
		assertEquals(2 * PER_CLASS, IntStream.of(d.deployed().bins().count()).sum(), "every image in a bin");
		for (int b = 0; b < ConfidenceBins.BINS; b++) {
			double acc = d.deployed().bins().accuracy(b);
			assertTrue(Double.isNaN(acc) == (d.deployed().bins().count()[b] == 0) && (Double.isNaN(acc) || acc >= 0 && acc <= 1), "bin " + b);
		}

		Run u = cli("evaluate", "--model", uncalibrated, "--data", labelled, "--threads", 2);
		assertEquals(0, u.code(), u.toString());
		Map<String, String> plain = metricMap(parseCsv(u.out()));
		assertEquals(Double.parseDouble(plain.get("ece")), d.curves().get(0).bins().ece(), 1e-5, "the T = 1 curve is the uncalibrated model's");
		assertEquals(plain.get("accuracy"), m.get("accuracy"), "a temperature does not change the accuracy");
		assertEquals(plain.get("macro_f1"), m.get("macro_f1"));
		assertNotEquals(plain.get("nll"), m.get("nll"), "but it does change the confidences");
	}

	/** A copy of the shared model whose model.json records {@code c}. */
	Path withCalibration(Calibration c, String name) throws IOException {
		Path copy = work.resolve(name);
		copyTree(model, copy);
		JsonObject json = modelJson(copy);
		json.add("calibration", c.toJson());
		Files.writeString(copy.resolve("model.json"), json.toString());
		return copy;
	}

	/** The diagram is the user's file too: refused without --overwrite before any work, and the CSV is not written without it. */
	@Test
	void anExistingReliabilityDiagramIsLeftAloneWithoutOverwrite() throws Exception {
		Path csv = work.resolve("metrics.csv");
		Path png = work.resolve("metrics-reliability.png");
		Files.writeString(png, "mine");
		assertFails(cli("evaluate", "--model", model, "--data", labelled, "--output", csv), 1, png.toString(), "reliability diagram",
				"--overwrite");
		assertEquals("mine", Files.readString(png));
		assertEquals(List.of("metrics-reliability.png"), listing(work), "no CSV without its diagram");
		Run over = cli("evaluate", "--model", model, "--data", labelled, "--output", csv, "--overwrite", "--threads", 2);
		assertEquals(0, over.code(), over.toString());
		assertNotNull(ImageIO.read(png.toFile()), "replaced by the diagram with --overwrite");
		assertEquals(List.of("metrics-reliability.png", "metrics.csv"), listing(work));
	}

	@Test
	void classifyWritesOneRowPerImageOrSliceWithConsistentProbabilities() throws Exception {
		Path predictions = work.resolve("predictions.csv");
		Run r = cli("classify", "--model", model, "--input", unlabelled, "--output", predictions, "--threads", 2);
		assertEquals(0, r.code(), r.toString());
		assertTrue(r.out().contains("6 prediction(s)"), r.out());
		List<List<String>> rows = readCsv(predictions);
		assertEquals("file,slice,predicted,confidence,p_bar,p_disc", Files.readAllLines(predictions).get(0));
		List<List<String>> data = rows.subList(1, rows.size());
		assertEquals(2 + STACK_SLICES, data.size(), rows.toString());
		assertEquals(List.of("a-disc.tif", "b-bar.tif"), data.subList(0, 2).stream().map(x -> Path.of(x.get(0)).getFileName().toString()).toList());
		assertEquals(List.of("1", "1"), data.subList(0, 2).stream().map(x -> x.get(1)).toList());
		List<List<String>> stackRows = data.subList(2, data.size());
		for (List<String> row : stackRows) assertEquals(stack.getFileName(), Path.of(row.get(0)).getFileName());
		assertEquals(List.of("1", "2", "3", "4"), stackRows.stream().map(x -> x.get(1)).toList());
		for (List<String> row : data) assertConsistent(row);
	}

	@Test
	void classifyWithoutOutputPrintsTheCsvOnStdout() {
		Run r = cli("classify", "--model", model, "--input", stack, "--threads", 2);
		assertEquals(0, r.code(), r.toString());
		List<List<String>> rows = parseCsv(r.out());
		assertEquals("file,slice,predicted,confidence,p_bar,p_disc", r.out().lines().findFirst().orElseThrow());
		assertEquals(1 + STACK_SLICES, rows.size(), r.out());
		for (int i = 1; i <= STACK_SLICES; i++) {
			assertEquals(stack.toString(), rows.get(i).get(0));
			assertEquals(Integer.toString(i), rows.get(i).get(1));
			assertConsistent(rows.get(i));
		}
	}

	/** Probabilities sum to one, predicted is their argmax and confidence their maximum. */
	static void assertConsistent(List<String> row) {
		assertEquals(4 + CLASSES.size(), row.size(), row.toString());
		double[] p = row.subList(4, row.size()).stream().mapToDouble(Double::parseDouble).toArray();
		double sum = 0;
		int best = 0;
		for (int c = 0; c < p.length; c++) {
			assertTrue(p[c] >= 0 && p[c] <= 1, row.toString());
			sum += p[c];
			if (p[c] > p[best]) best = c;
		}
		assertEquals(1.0, sum, 1e-4, row.toString());
		assertEquals(CLASSES.get(best), row.get(2), row.toString());
		assertEquals(p[best], Double.parseDouble(row.get(3)), 1e-6, row.toString());
	}

	@Test
	void trainFractionHalvesTheTrainingSplitOnly() throws Exception {
		Path out = work.resolve("half");
		Run r = train("--data", labelled, "--output", out, "--train-fraction", "0.5");
		assertEquals(0, r.code(), r.toString());
		Path full = model.resolve("split.csv");
		Path half = out.resolve("split.csv");
		assertEquals(countSplit(full, "train") / 2, countSplit(half, "train"));
		assertEquals(countSplit(full, "val"), countSplit(half, "val"));
		assertEquals(countSplit(full, "test"), countSplit(half, "test"));
		JsonObject ds = modelJson(out).getAsJsonObject("dataset");
		assertEquals(countSplit(half, "train"), ds.get("train").getAsLong());
		assertEquals(0.5, modelJson(out).getAsJsonObject("options").get("train_fraction").getAsDouble(), 0.0);
	}

	// ------------------------------------------------------------------ corrupt input files

	@Test
	void corruptFilesAreSkippedListedAndReported() throws Exception {
		Path data = work.resolve("data");
		writeLabelledDataset(data, 6, 3);
		// A real PNG, then one cut short in the middle of its image data.
		Path png = work.resolve("whole.png");
		ByteProcessor bp = new ByteProcessor(64, 64);
		Random r = new Random(5);
		for (int i = 0; i < 64 * 64; i++) bp.set(i, r.nextInt(256));
		assertTrue(new FileSaver(new ImagePlus("whole", bp)).saveAsPng(png.toString()));
		byte[] bytes = Files.readAllBytes(png);
		Files.delete(png);
		Path truncated = data.resolve("disc").resolve("truncated.png");
		Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
		Path empty = data.resolve("bar").resolve("empty.png");
		Files.write(empty, new byte[0]);
		Path text = data.resolve("bar").resolve("notes.tif");
		Files.writeString(text, "this is not an image\nbut a note somebody saved with the wrong name\n");

		Path out = work.resolve("model");
		Run run = train("--data", data, "--output", out);
		assertEquals(0, run.code(), run.toString());
		List<List<String>> skipped = readCsv(out.resolve("skipped-files.csv"));
		assertEquals(List.of("file", "reason"), skipped.get(0));
		Map<String, String> reasons = skipped.stream().skip(1)
				.collect(Collectors.toMap(x -> Path.of(x.get(0)).getFileName().toString(), x -> x.get(1)));
		assertEquals(List.of("empty.png", "notes.tif", "truncated.png"), reasons.keySet().stream().sorted().toList(), skipped.toString());
		for (Map.Entry<String, String> e : reasons.entrySet()) {
			assertFalse(e.getValue().isBlank(), e.getKey());
			assertTrue(run.err().lines().anyMatch(l -> l.contains(e.getKey()) && l.contains("skipped")), e.getKey() + " on stderr:\n" + run.err());
		}
		assertTrue(reasons.get("empty.png").contains("empty"), reasons.toString());
		// The skipped files are in no split.
		assertEquals(12, readCsv(out.resolve("split.csv")).size() - 1);
		assertEquals(3, modelJson(out).getAsJsonObject("dataset").get("skipped_files").getAsInt());
		// The import report lists every file: used ones with their split, format and size, skipped ones with the reason.
		List<List<String>> report = readCsv(out.resolve("import-report.csv"));
		assertEquals(List.of("file", "class", "split", "status", "reason", "reader", "format", "width", "height", "depth", "bit_depth", "samples"),
				report.get(0));
		assertEquals(15, report.size() - 1);
		for (List<String> row : report.subList(1, report.size())) {
			String name = Path.of(row.get(0)).getFileName().toString();
			if (reasons.containsKey(name)) {
				assertEquals(List.of("skipped", reasons.get(name)), List.of(row.get(3), row.get(4)), row.toString());
			} else {
				assertEquals("used", row.get(3), row.toString());
				assertTrue(Set.of("train", "val", "test").contains(row.get(2)), row.toString());
				assertEquals("ImageJ", row.get(5), row.toString());
				assertTrue(row.get(6).startsWith("TIFF, 16-bit"), row.toString());
				assertEquals("1", row.get(11), row.toString());
			}
		}
		assertTrue(run.err().contains("import: 12 file(s) used, 3 skipped, 12 samples"), run.err());
	}

	// ------------------------------------------------------------------ errors: exit code, one line, nothing left behind

	@Test
	void exportWritesTheDeployedNetworkAsTimmNamedSafetensorsAndLeavesExistingFilesAlone() throws Exception {
		Path file = shared.resolve("exported").resolve("student.safetensors");
		Run r = cli("export", "--model", model, "--output", file);
		assertEquals(0, r.code(), r.toString());
		org.duodistill.model.SavedModel saved = org.duodistill.model.ModelFolder.read(model);
		org.duodistill.model.CheckpointImport.Imported back = org.duodistill.model.CheckpointImport.load(file, null);
		assertEquals(saved.spec(), back.spec());
		for (String k : saved.weights().keySet()) {
			assertArrayEquals(saved.weights().get(k).data(), back.weights().get(k).data(), k);
		}
		var meta = org.duodistill.model.SafeTensors.readWithMetadata(file).metadata();
		assertEquals(new com.google.gson.Gson().toJson(saved.classes()), meta.get("classes"));
		assertTrue(org.duodistill.model.SafeTensors.readWithMetadata(file).tensors().containsKey("bn1.num_batches_tracked"),
				"PyTorch's strict load needs BatchNorm's counters");
		long before = Files.size(file);
		Run again = cli("export", "--model", model, "--output", file);
		assertEquals(1, again.code(), again.toString());
		assertTrue(again.err().contains("--overwrite"), again.toString());
		assertEquals(before, Files.size(file));
		assertEquals(2, cli("export", "--model", model, "--output", shared.resolve("x.pt")).code(), "only .safetensors");
	}

	@Test
	void missingDataFolder() throws Exception {
		Run r = train("--data", work.resolve("no-such-folder"), "--output", work.resolve("model"));
		assertFails(r, 1, "no-such-folder", "not found");
		assertEquals(1, r.errLines().size(), r.toString());
		assertNothingWritten();
	}

	@Test
	void onlyOneClass() throws Exception {
		Path data = shared.resolve("one-class");
		Files.createDirectories(data);
		copyTree(labelled.resolve("disc"), data.resolve("disc"));
		Run r = train("--data", data, "--output", work.resolve("model"));
		assertFails(r, 1, "1 class", "disc", "at least 2");
		assertEquals(1, r.errLines().size(), r.toString());
		assertNothingWritten();
	}

	@Test
	void aClassWithOneUsableImage() throws Exception {
		Path data = shared.resolve("thin-class");
		copyTree(labelled, data);
		try (Stream<Path> s = Files.list(data.resolve("bar"))) {
			for (Path p : s.sorted().skip(1).toList()) Files.delete(p);
		}
		Files.write(data.resolve("bar").resolve("empty.tif"), new byte[0]);
		Run r = train("--data", data, "--output", work.resolve("model"));
		String reason = assertFails(r, 1, "bar (1)", "at least 2");
		assertTrue(reason.contains("skipped"), reason);
		assertNothingWritten();
	}

	@Test
	void unknownMethod() throws Exception {
		Run r = train("--data", labelled, "--output", work.resolve("model"), "--method", "magic");
		assertFails(r, 2, "magic", "dual-skd");
		assertNothingWritten();
	}

	@Test
	void unknownStudentArchitecture() throws Exception {
		Run r = train("--data", labelled, "--output", work.resolve("model"), "--student-arch", "vgg16");
		assertFails(r, 2, "vgg16", "resnet18");
		assertNothingWritten();
	}

	@ParameterizedTest
	@ValueSource(strings = {"resnet18-w8", "resnet10-w16"})
	void aStudentLargerThanItsTeacher(String student) throws Exception {
		Run r = train("--data", labelled, "--output", work.resolve("model"), "--student-arch", student);
		assertFails(r, -1, student, "resnet10-w8", student.startsWith("resnet18") ? "deeper" : "wider");
		assertNothingWritten();
	}

	@Test
	void unknownOptionIsAUsageError() throws Exception {
		Run r = train("--data", labelled, "--output", work.resolve("model"), "--frobnicate", "3");
		assertFails(r, 2, "unknown option --frobnicate");
		assertNothingWritten();
	}

	@Test
	void missingRequiredOptionsAreUsageErrors() throws Exception {
		assertFails(cli("train", "--data", labelled, "--epochs", 2), 2, "--output is required");
		assertFails(cli("train", "--output", work.resolve("model")), 2, "--data is required");
		assertFails(cli("evaluate", "--model", model), 2, "--data is required");
		assertFails(cli("classify", "--model", model), 2, "--input is required");
		assertFails(cli("classify", "--input", stack), 2, "--model is required");
		assertFails(cli("train", "--data", labelled, "--output"), 2, "--output needs a value");
		assertFails(cli("frobnicate"), 2, "unknown command");
		Run none = cli();
		assertEquals(2, none.code());
		assertTrue(none.err().startsWith("usage:"), none.toString());
		assertNothingWritten();
	}

	@Test
	void anExistingNonEmptyOutputFolderIsLeftAlone() throws Exception {
		Path out = work.resolve("model");
		Files.createDirectories(out);
		Files.writeString(out.resolve("precious.txt"), "mine");
		Run r = train("--data", labelled, "--output", out);
		assertFails(r, -1, "not empty", "--overwrite");
		assertEquals(1, r.errLines().size(), r.toString());
		assertEquals("mine", Files.readString(out.resolve("precious.txt")));
		assertEquals(List.of("model", "model/precious.txt"), listing(work));
	}

	@Test
	void existingCsvOutputsAreLeftAlone() throws Exception {
		Path csv = work.resolve("taken.csv");
		Files.writeString(csv, "mine");
		assertFails(cli("evaluate", "--model", model, "--data", labelled, "--output", csv), -1, "taken.csv", "--overwrite");
		assertFails(cli("classify", "--model", model, "--input", stack, "--output", csv), -1, "taken.csv", "--overwrite");
		assertEquals("mine", Files.readString(csv));
		assertEquals(List.of("taken.csv"), listing(work));
	}

	@Test
	void gpuOnACpuOnlyMachine() throws Exception {
		assumeTrue(Engines.engine().getGpuCount() == 0, "this machine has a GPU");
		Run r = train("--data", labelled, "--output", work.resolve("model"), "--device", "gpu");
		assertFails(r, -1, "--device gpu", "no GPU");
		assertEquals(1, r.errLines().size(), r.toString());
		assertNothingWritten();
	}

	// ------------------------------------------------------------------ damaged or newer model folders

	@Test
	void aModelFolderFromANewerVersionIsRefusedNamingTheVersion() throws Exception {
		Path newer = work.resolve("newer");
		copyTree(model, newer);
		JsonObject json = modelJson(newer);
		json.addProperty("format_version", 99);
		Files.writeString(newer.resolve("model.json"), json.toString());
		for (Run r : List.of(cli("classify", "--model", newer, "--input", stack), cli("evaluate", "--model", newer, "--data", labelled))) {
			assertFails(r, 1, "model.json", "format 99", "Update DuoDistill");
			assertEquals(1, r.errLines().size(), r.toString());
		}
	}

	@Test
	void aWeightsFileLackingATensorIsRefusedNamingIt() throws Exception {
		Path damaged = work.resolve("damaged");
		copyTree(model, damaged);
		Path weights = damaged.resolve("weights.safetensors");
		Map<String, HostTensor> tensors = new LinkedHashMap<>(SafeTensors.read(weights));
		String gone = "layer2.0.conv1.weight";
		assertTrue(tensors.containsKey(gone), tensors.keySet().toString());
		tensors.remove(gone);
		Files.delete(weights);
		SafeTensors.write(weights, tensors);
		for (Run r : List.of(cli("classify", "--model", damaged, "--input", stack), cli("evaluate", "--model", damaged, "--data", labelled))) {
			assertFails(r, 1, "weights.safetensors", "missing", gone);
			assertEquals(1, r.errLines().size(), r.toString());
		}
	}

	@Test
	void aModelJsonWithAMissingOrWrongFieldNamesTheField() throws Exception {
		String[][] damages = {{"architecture", "depths", "missing field 'architecture.depths'"},
				{"preprocessing", "mean", "missing field 'preprocessing.mean'"}, {"", "classes", "missing field 'classes'"}};
		for (String[] d : damages) {
			Path damaged = work.resolve("json-" + d[1]);
			copyTree(model, damaged);
			Path json = damaged.resolve("model.json");
			JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
			(d[0].isEmpty() ? o : o.getAsJsonObject(d[0])).remove(d[1]);
			Files.writeString(json, o.toString());
			Run r = cli("classify", "--model", damaged, "--input", stack);
			assertFails(r, 1, "model.json", d[2]);
			assertFalse(r.err().contains("Cannot invoke") || r.err().contains("null"), "no Java message: " + r);
		}
		Path wrong = work.resolve("json-wrong-type");
		copyTree(model, wrong);
		JsonObject o = JsonParser.parseString(Files.readString(wrong.resolve("model.json"))).getAsJsonObject();
		o.getAsJsonObject("preprocessing").addProperty("size", "sixty-four");
		Files.writeString(wrong.resolve("model.json"), o.toString());
		assertFails(cli("evaluate", "--model", wrong, "--data", labelled), 1, "field 'preprocessing.size' must be a number");
	}

	@Test
	void modelJsonRecordsVersionsAndEvaluateWarnsWhenTheDataAreNotTheTrainingData() throws Exception {
		JsonObject v = modelJson(model).getAsJsonObject("versions");
		assertTrue(v.get("duodistill").getAsString().matches("\\d+\\.\\d+\\.\\d+.*"), v.toString());
		assertEquals("0.36.0", v.get("djl").getAsString());
		assertTrue(v.get("pytorch").getAsString().startsWith("2.7.1"), v.toString());
		Run same = cli("evaluate", "--model", model, "--data", labelled);
		assertEquals(0, same.code(), same.toString());
		assertFalse(same.err().contains("warning"), "the training data: no warning\n" + same);
		Path changed = work.resolve("labelled-changed");
		copyTree(labelled, changed);
		try (var files = Files.walk(changed)) {
			Path one = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
			Files.delete(one);
		}
		Run other = cli("evaluate", "--model", model, "--data", changed);
		assertEquals(0, other.code(), other.toString());
		assertTrue(other.err().contains("warning: ") && other.err().contains("not the data this model was trained on"), other.toString());
	}

	/** Real processes: a training holds its output folder; killed with -9, it leaves no model and a lock that is taken over. */
	@Test
	void aSecondTrainingOnTheSameFolderIsRefusedAndAKilledTrainingsLockIsTakenOver() throws Exception {
		Path out = work.resolve("locked-model");
		Path lock = org.duodistill.model.OutputLock.lockFile(out);
		List<Object> args = new ArrayList<>(List.of("train"));
		args.addAll(List.of((Object[]) TINY));
		args.addAll(List.of("--data", labelled, "--output", out, "--epochs", "500"));
		Process first = process(args.toArray()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
		try {
			long t0 = System.nanoTime();
			while (!Files.exists(lock) && System.nanoTime() - t0 < 60e9 && first.isAlive()) Thread.sleep(50);
			assertTrue(Files.exists(lock), "the running training holds a lock");
			Run second = train("--data", labelled, "--output", out);
			assertFails(second, 1, "being written by another training", "process " + first.pid());
		} finally {
			first.destroyForcibly();
			first.waitFor();
		}
		assertTrue(Files.exists(lock), "kill -9 leaves the lock behind");
		assertFalse(Files.exists(out), "and no model folder, not even a partial one");
		Run third = train("--data", labelled, "--output", out);
		assertEquals(0, third.code(), third.toString());
		assertTrue(third.err().contains("taking over a stale lock"), third.toString());
		assertFalse(Files.exists(lock), "the lock is released at the end");
		assertTrue(Files.isRegularFile(out.resolve("model.json")));
	}

	/**
	 * A teacher whose BatchNorm variances are negative (a damaged checkpoint) gives NaN logits, so the
	 * KD loss is NaN from the first step: the run stops naming the step, retries at half the rate
	 * when asked, and writes nothing.
	 */
	@Test
	void aDivergingTrainingStopsNamingTheStepRetriesAtHalfTheRateAndWritesNothing() throws Exception {
		Path teacher = work.resolve("nan-teacher");
		copyTree(model, teacher);
		Path weights = teacher.resolve("weights.safetensors");
		Map<String, HostTensor> tensors = new LinkedHashMap<>(SafeTensors.read(weights));
		for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
			if (e.getKey().endsWith("running_var")) java.util.Arrays.fill(e.getValue().data(), -1f);
		}
		tensors.keySet().removeIf(k -> k.endsWith("num_batches_tracked"));
		Files.delete(weights);
		SafeTensors.write(weights, tensors);
		// a consistent folder (its checksum updated), only its numbers are bad
		JsonObject json = modelJson(teacher);
		json.addProperty("weights_sha256", java.util.HexFormat.of().formatHex(
				java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(weights))));
		Files.writeString(teacher.resolve("model.json"), json.toString());
		Path out = work.resolve("diverged");
		Object[] kd = {"--data", labelled, "--output", out, "--method", "kd", "--teacher", teacher, "--teacher-arch", "resnet10-w4",
				"--student-arch", "resnet10-w4"};
		Run none = train(append(kd, "--divergence-retries", "0"));
		assertFails(none, 1, "training diverged", "loss became NaN", "epoch", "step 1", "--lr");
		assertFalse(Files.exists(out), "nothing written");
		Run retried = train(append(kd, "--divergence-retries", "2", "--lr", "0.001"));
		assertEquals(1, retried.code(), retried.toString());
		assertEquals(2, retried.err().lines().filter(l -> l.contains("starting again with --lr")).count(), retried.toString());
		assertTrue(retried.err().contains("starting again with --lr 0.000500") && retried.err().contains("starting again with --lr 0.000250"),
				retried.toString());
		assertFalse(Files.exists(out));
		assertFalse(Files.exists(org.duodistill.model.OutputLock.lockFile(out)), "the lock is released after a failure too");
	}

	/** A real process whose heap cannot hold one batch: one line with the batch and size in use, exit 1, nothing written. */
	@Test
	void aTrainingThatRunsOutOfHeapSaysSoWithItsBatchAndSize() throws Exception {
		Path out = work.resolve("oom");
		Process p = processWithHeap("96m", "train", "--data", labelled, "--output", out, "--teacher-arch", "resnet10-w4", "--student-arch",
				"resnet10-w2", "--size", "1024", "--batch", "64", "--epochs", "1", "--threads", "2").start();
		String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
		assertEquals(1, p.exitValue(), said);
		assertTrue(said.contains("out of memory in the Java heap") && said.contains("--batch 64 at --size 1024 px") && said.contains("-Xmx"), said);
		assertFalse(Files.exists(out));
		assertFalse(Files.exists(TrainingJob.checkpointFolder(out)));
	}

	@Test
	void runningOutOfMemoryIsSaidWithTheBatchAndSizeInUse() {
		TrainCommand.OutOfMemory heap = TrainCommand.OutOfMemory.of(new OutOfMemoryError("Java heap space"), 32, 224);
		assertTrue(heap.getMessage().contains("--batch 32 at --size 224 px") && heap.getMessage().contains("--batch (e.g. 16)")
				&& heap.getMessage().contains("-Xmx"), heap.getMessage());
		TrainCommand.OutOfMemory natives = TrainCommand.OutOfMemory.of(new ai.djl.engine.EngineException(
				"[enforce fail at alloc_cpu.cpp:118] data. DefaultCPUAllocator: not enough memory: you tried to allocate 1073741824 bytes."), 64, 512);
		assertTrue(natives.getMessage().contains("native memory") && natives.getMessage().contains("--batch 64 at --size 512 px"), natives.getMessage());
		assertEquals(null, TrainCommand.OutOfMemory.of(new ai.djl.engine.EngineException("shape mismatch"), 8, 32), "other engine errors pass through");
	}

	static Object[] append(Object[] a, Object... more) {
		Object[] all = Arrays.copyOf(a, a.length + more.length);
		System.arraycopy(more, 0, all, a.length, more.length);
		return all;
	}

	@Test
	void aWeightsFileChangedAfterTrainingIsRefusedByItsChecksum() throws Exception {
		assertTrue(modelJson(model).get("weights_sha256").getAsString().matches("[0-9a-f]{64}"));
		Path damaged = work.resolve("flipped");
		copyTree(model, damaged);
		Path weights = damaged.resolve("weights.safetensors");
		byte[] b = Files.readAllBytes(weights);
		b[b.length - 3] ^= 0x40; // one bit of the last tensor's data: shapes and names stay valid
		Files.write(weights, b);
		assertFails(cli("classify", "--model", damaged, "--input", stack), 1, "weights.safetensors", "checksum", "model.json");
	}

	/** {@code duodistill ARGS} in a JVM of its own (the engine's thread count is fixed per JVM). */
	static ProcessBuilder process(Object... args) {
		return processWithHeap("1g", args);
	}

	static ProcessBuilder processWithHeap(String heap, Object... args) {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
				"-Dai.djl.offline=true", "-Djava.awt.headless=true", "-cp", org.duodistill.data.QuietConsoleTest.testClassPath(),
				"org.duodistill.cli.Main"));
		for (Object o : args) cmd.add(String.valueOf(o));
		return new ProcessBuilder(cmd).redirectErrorStream(true);
	}

	static String runToEnd(ProcessBuilder pb) throws Exception {
		Process p = pb.start();
		String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS));
		assertEquals(0, p.exitValue(), output);
		return output;
	}

	/**
	 * Real processes: a training killed with -9 after its student has checkpointed resumes with
	 * {@code train --resume} and ends with exactly the weights and history of an uninterrupted run
	 * (every run in its own JVM with one thread, as a user's would be).
	 */
	@Test
	void aKilledTrainingResumesFromItsCheckpointToTheSameModelAsAnUninterruptedRun() throws Exception {
		List<Object> train = new ArrayList<>(List.of("train"));
		train.addAll(List.of((Object[]) TINY));
		train.addAll(List.of("--data", labelled, "--method", "dual-skd", "--epochs", "6", "--threads", "1"));
		Path whole = work.resolve("uninterrupted");
		List<Object> ref = new ArrayList<>(train);
		ref.addAll(List.of("--output", whole));
		runToEnd(process(ref.toArray()));
		assertFalse(Files.exists(TrainingJob.checkpointFolder(whole)), "checkpoints are removed once the model is written");

		// killed while the teacher trains (its first checkpoint just written), and while the students train
		for (String trigger : List.of("trainer-0-teacher.safetensors", "trainer-1-student.safetensors")) {
			Path out = work.resolve("killed-" + trigger.substring(0, 9));
			List<Object> killed = new ArrayList<>(train);
			killed.addAll(List.of("--output", out));
			Process p = process(killed.toArray()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
			Path seen = null;
			try {
				long t0 = System.nanoTime();
				while (seen == null && p.isAlive() && System.nanoTime() - t0 < 120e9) {
					try (var list = Files.list(TrainingJob.checkpointFolder(out))) {
						seen = list.filter(f -> f.getFileName().toString().equals(trigger)).findFirst().orElse(null);
					} catch (java.io.IOException e) {
						// not created yet
					}
					Thread.sleep(10);
				}
			} finally {
				p.destroyForcibly();
				p.waitFor();
			}
			assertTrue(seen != null, trigger + " written before the kill");
			assertFalse(Files.exists(out), "killed: no model folder");
			// what a kill during a checkpoint write leaves: a half-written temporary file beside the last good checkpoint
			Files.writeString(TrainingJob.checkpointFolder(out).resolve(".trainer-1-student.safetensors4711.tmp"), "half a checkpoint");
			String resumed = runToEnd(process("train", "--resume", out));
			assertTrue(resumed.contains("resuming"), resumed);
			Map<String, HostTensor> a = SafeTensors.read(whole.resolve("weights.safetensors"));
			Map<String, HostTensor> b = SafeTensors.read(out.resolve("weights.safetensors"));
			assertEquals(a.keySet(), b.keySet());
			for (String k : a.keySet()) assertArrayEquals(a.get(k).data(), b.get(k).data(), trigger + " " + k + ": bitwise equal to the uninterrupted run");
			List<List<String>> h1 = readCsv(whole.resolve("history.csv"));
			List<List<String>> h2 = readCsv(out.resolve("history.csv"));
			assertEquals(h1.size(), h2.size());
			for (int i = 0; i < h1.size(); i++) assertEquals(h1.get(i).subList(0, 11), h2.get(i).subList(0, 11), "history row " + i + " (losses, scores)");
			assertFails(cli("train", "--resume", out), 1, "nothing to resume");
		}
	}

	/**
	 * A file-size limit (ulimit -f, as a full disk would) stops the run at the student's first, larger
	 * checkpoint: a clear error, the teacher's checkpoint kept, no model; {@code --resume} without the
	 * limit then ends with the model an unlimited run gives.
	 */
	@Test
	void aFullDiskStopsTheRunKeepsTheLastCheckpointAndTheRunResumes() throws Exception {
		assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
		List<Object> train = new ArrayList<>(List.of("train"));
		train.addAll(List.of((Object[]) TINY));
		train.addAll(List.of("--data", labelled, "--method", "dual-skd", "--epochs", "3", "--threads", "1", "--student-arch", "resnet10-w8"));
		Path whole = work.resolve("disk-reference");
		List<Object> ref = new ArrayList<>(train);
		ref.addAll(List.of("--output", whole));
		runToEnd(process(ref.toArray()));
		Path out = work.resolve("disk-full");
		List<Object> limited = new ArrayList<>(train);
		limited.addAll(List.of("--output", out));
		List<String> cmd = new ArrayList<>(process(limited.toArray()).command());
		String quoted = String.join(" ", cmd.stream().map(c -> "'" + c.replace("'", "'\\''") + "'").toList());
		Process p = new ProcessBuilder("/bin/bash", "-c", "ulimit -f 2000; exec " + quoted).redirectErrorStream(true).start();
		String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS));
		assertEquals(1, p.exitValue(), said);
		assertTrue(said.contains("cannot write the checkpoint") && said.contains("File too large") && said.contains("previous checkpoint is kept"), said);
		assertTrue(said.contains("continue with train --resume"), said);
		assertFalse(said.contains("Exception:") || said.contains("\tat "), "one clear line, no stack trace: " + said);
		assertTrue(Files.isRegularFile(TrainingJob.checkpointFolder(out).resolve("trainer-0-teacher.safetensors")), "the teacher's checkpoint is kept");
		assertFalse(Files.exists(out));
		runToEnd(process("train", "--resume", out));
		Map<String, HostTensor> a = SafeTensors.read(whole.resolve("weights.safetensors"));
		Map<String, HostTensor> b = SafeTensors.read(out.resolve("weights.safetensors"));
		for (String k : a.keySet()) assertArrayEquals(a.get(k).data(), b.get(k).data(), k + ": as the run without a full disk");
	}

	@Test
	void aMissingModelFolderIsAClearError() {
		Path none = work.resolve("no-model");
		assertFails(cli("classify", "--model", none, "--input", stack), 1, "no-model", "model folder not found");
		assertFails(cli("evaluate", "--model", none, "--data", labelled), 1, "no-model", "model folder not found");
	}

	// ------------------------------------------------------------------ regressions found while writing these tests

	/** ImageJ prints decoder failures (a truncated PNG) with System.out.println, into the CSV on stdout. */
	@Test
	void stdoutCarriesOnlyTheCsvWhenADecoderComplains() throws Exception {
		Path input = work.resolve("input");
		Files.createDirectories(input);
		Files.copy(unlabelled.resolve("a-disc.tif"), input.resolve("a-disc.tif"));
		ByteProcessor bp = new ByteProcessor(64, 64);
		Random r = new Random(5);
		for (int i = 0; i < 64 * 64; i++) bp.set(i, r.nextInt(256));
		Path png = work.resolve("whole.png");
		assertTrue(new FileSaver(new ImagePlus("whole", bp)).saveAsPng(png.toString()));
		byte[] bytes = Files.readAllBytes(png);
		Files.write(input.resolve("b-truncated.png"), Arrays.copyOf(bytes, bytes.length / 2));
		Files.delete(png);

		ByteArrayOutputStream stray = new ByteArrayOutputStream();
		PrintStream systemOut = System.out;
		Run run;
		System.setOut(new PrintStream(stray, true, StandardCharsets.UTF_8));
		try {
			run = cli("classify", "--model", model, "--input", input, "--threads", 2);
		} finally {
			System.setOut(systemOut);
		}
		assertEquals(0, run.code(), run.toString());
		assertEquals("", stray.toString(StandardCharsets.UTF_8), "nothing printed on the process's stdout beside the CSV");
		List<List<String>> rows = parseCsv(run.out());
		assertEquals(2, rows.size(), run.out());
		for (List<String> row : rows.subList(1, rows.size())) assertConsistent(row);
		assertTrue(run.err().contains("skipped " + input.resolve("b-truncated.png")), run.toString());
	}

	/** A student that cannot be selected from the auto teacher used to fail only after the teacher was trained. */
	@ParameterizedTest
	@ValueSource(strings = {"resnet18-w8", "resnet10-w16"})
	void aStudentLargerThanItsTeacherFailsBeforeAnyTraining(String student) throws Exception {
		Run r = train("--data", labelled, "--output", work.resolve("model"), "--student-arch", student);
		assertFails(r, 1, student, "resnet10-w8");
		assertEquals(1, r.errLines().size(), "no teacher training before the error\n" + r);
		// The default teacher (resnet18) too, without training it.
		Run d = cli("train", "--data", labelled, "--output", work.resolve("model"), "--student-arch", "resnet10-w128", "--size", 32, "--threads", 2);
		assertFails(d, 1, "resnet10-w128", "resnet18");
		assertEquals(1, d.errLines().size(), d.toString());
		assertNothingWritten();
	}

	/** --size 0 used to report every image as unreadable ("unexpected decoder error"). */
	@ParameterizedTest
	@ValueSource(strings = {"0", "-3", "5000"})
	void anImpossibleInputSizeIsReportedAsSuch(String size) throws Exception {
		Run r = train("--data", labelled, "--output", work.resolve("model"), "--size", size);
		String reason = assertFails(r, -1, "size", size);
		assertFalse(reason.contains("unreadable") || reason.contains("skipped"), reason);
		assertEquals(1, r.errLines().size(), r.toString());
		assertNothingWritten();
	}

	/** Counts were written with %.6g: "32.0000", and n = 1234567 as "1.23457e+06". */
	@Test
	void countsInTheMetricsCsvAreWholeNumbers() {
		Run r = cli("evaluate", "--model", model, "--data", labelled, "--threads", 2);
		assertEquals(0, r.code(), r.toString());
		Map<String, String> m = metricMap(parseCsv(r.out()));
		assertEquals(Integer.toString(2 * PER_CLASS), m.get("n"));
		long confusion = 0;
		for (Map.Entry<String, String> e : m.entrySet()) {
			if (e.getKey().startsWith("support_")) assertEquals(Integer.toString(PER_CLASS), e.getValue(), e.getKey());
			if (e.getKey().startsWith("confusion_")) confusion += Long.parseLong(e.getValue());
		}
		assertEquals(2 * PER_CLASS, confusion);
	}

	/** A DICOM series folder is classified in series order (instance number), not by file name. */
	@Test
	void aDicomSeriesFolderIsClassifiedInInstanceOrder() throws Exception {
		Path series = Path.of("src/test/resources/data/dicom/generated/series_instance");
		Run r = cli("classify", "--model", model, "--input", series);
		assertEquals(0, r.code(), r.toString());
		List<String> files = r.out().lines().skip(1).map(l -> Path.of(l.split(",")[0]).getFileName().toString()).toList();
		assertEquals(List.of("img_c.dcm", "img_d.dcm", "img_b.dcm", "img_a.dcm"), files, "order from pydicom's InstanceNumber (expected.json)");
	}

	/**
	 * The paper's setting: the teacher was trained elsewhere, on other images and other classes (here
	 * real MRI slices, 3 orientations); its head is replaced and students of these 2 classes take its
	 * weights. KD and the teacher baseline fine-tune it first.
	 */
	@Test
	void aTeacherFolderWithOtherClassesTeachesStudentsOfThese() throws Exception {
		Path teacher = work.resolve("mri-teacher");
		Run t = train("--data", Path.of("sample-images").toAbsolutePath(), "--output", teacher, "--method", "teacher", "--teacher-arch",
				"resnet10-w8", "--epochs", "1");
		assertEquals(0, t.code(), t.toString());
		assertEquals(3, modelJson(teacher).getAsJsonArray("classes").size());
		for (String method : List.of("dual-skd", "kd")) {
			Path out = work.resolve("student-" + method);
			Run r = train("--data", labelled, "--output", out, "--teacher", teacher, "--method", method);
			assertEquals(0, r.code(), r.toString());
			JsonObject json = modelJson(out);
			assertEquals(CLASSES, json.getAsJsonArray("classes").asList().stream().map(e -> e.getAsString()).toList());
			assertEquals(teacher.toString(), json.getAsJsonObject("teacher").get("source").getAsString());
			assertEquals("resnet10-w8", json.getAsJsonObject("teacher").getAsJsonObject("architecture").get("name").getAsString());
			if (method.equals("kd")) assertTrue(r.err().contains("fine-tuning the teacher"), r.err());
			if (method.equals("dual-skd")) {
				JsonObject ema = json.getAsJsonObject("options").getAsJsonObject("ema");
				assertEquals("half-life", ema.get("rule").getAsString(), json.toString());
				long steps = ema.get("skd_steps").getAsLong();
				assertTrue(steps > 0);
				assertEquals(org.duodistill.train.EmaSchedule.halfLife(ema.get("half_life_fraction").getAsDouble()).momentum(steps),
						ema.get("momentum").getAsDouble(), 1e-12);
				assertEquals("recalibrate", json.getAsJsonObject("options").get("auxiliary_batchnorm").getAsString());
			}
		}
	}

	/** study: one row per method x fraction x seed, a summary and a plot; a rerun keeps the rows and trains nothing. */
	@Test
	void studyWritesOneRowPerRunASummaryAndAPlotAndResumes() throws Exception {
		Path out = work.resolve("study");
		Object[] args = {"study", "--data", labelled, "--output", out, "--name", "tiny", "--methods", "single-ws,dual-skd+ema=0.9", "--fractions",
				"0.5,1", "--seeds", "3", "--teacher-arch", "resnet10-w8", "--student-arch", "resnet10-w4", "--size", "32", "--epochs", "2",
				"--batch", "8", "--threads", "2", "--quiet"};
		Run r = cli(args);
		assertEquals(0, r.code(), r.toString());
		List<List<String>> rows = readCsv(out.resolve("study.csv"));
		assertEquals("dataset", rows.get(0).get(0));
		assertEquals(4, rows.size() - 1, rows.toString());
		Set<String> methods = rows.subList(1, rows.size()).stream().map(x -> x.get(4)).collect(Collectors.toSet());
		assertEquals(Set.of("single-ws", "dual-skd+ema=0.9"), methods);
		for (List<String> row : rows.subList(1, rows.size())) {
			int trainImages = Integer.parseInt(row.get(5));
			assertTrue(row.get(3).startsWith("0.5") ? trainImages < 20 : trainImages >= 20, row.toString());
			double testF1 = Double.parseDouble(row.get(9));
			assertTrue(testF1 >= 0 && testF1 <= 1, row.toString());
			assertEquals(row.get(4).startsWith("dual-skd"), !row.get(13).isEmpty(), "B's accuracy only for SKD runs: " + row);
			Map<String, String> named = named(rows.get(0), row);
			assertTrue(Double.parseDouble(named.get("calibration_temperature")) > 0, row.toString());
			double ece = Double.parseDouble(named.get("test_ece"));
			assertTrue(ece >= 0 && ece <= 1, row.toString());
		}
		assertEquals(4, r.err().lines().filter(l -> l.startsWith("calibration: ")).count(), "calibrated by default, every run: " + r.err());
		byte[] png = Files.readAllBytes(out.resolve("study.png"));
		assertEquals((byte) 0x89, png[0]);
		assertEquals('P', png[1]);
		assertTrue(Files.readString(out.resolve("study-summary.md")).contains("| dual-skd+ema=0.9 |"));
		Run again = cli(args);
		assertEquals(0, again.code(), again.toString());
		assertEquals(rows, readCsv(out.resolve("study.csv")), "a rerun adds nothing");
		assertTrue(again.out().contains("| single-ws |"), again.out());
	}

	/** A study.csv row by its header's column names. */
	static Map<String, String> named(List<String> header, List<String> row) {
		assertEquals(header.size(), row.size(), "one value per column: " + row);
		Map<String, String> m = new LinkedHashMap<>();
		for (int i = 0; i < header.size(); i++) m.put(header.get(i), row.get(i));
		return m;
	}

	/**
	 * study --calibrate none reaches every run: no temperature fitted (none said, T = 1 recorded), the test
	 * ECE still reported. A study.csv from before the calibration columns gets today's header once, its
	 * rows kept with those columns empty.
	 */
	@Test
	void studyPassesCalibrateToEveryRunAndUpgradesAnOlderStudyCsv() throws Exception {
		Path out = work.resolve("study");
		Files.createDirectories(out);
		String oldHeader = StudyRow.HEADER.replace(",calibration_temperature,test_ece", "");
		String oldRow = "earlier,auto,1,1,random,20,0.5,0.4,0.55,0.45,0.5,0.6,,,2,A,1000,5000,3.0";
		Files.writeString(out.resolve("study.csv"), oldHeader + "\n" + oldRow + "\n");
		Object[] args = {"study", "--data", labelled, "--output", out, "--name", "tiny", "--methods", "single-ws", "--fractions", "1",
				"--seeds", "3", "--teacher-arch", "resnet10-w8", "--student-arch", "resnet10-w4", "--size", "32", "--epochs", "2", "--batch", "8",
				"--threads", "2", "--quiet", "--calibrate", "none"};
		Run r = cli(args);
		assertEquals(0, r.code(), r.toString());
		assertFalse(r.err().contains("calibration: "), "nothing fitted: " + r.err());
		List<List<String>> rows = readCsv(out.resolve("study.csv"));
		assertEquals(Csv.parseLine(StudyRow.HEADER), rows.get(0), "today's header");
		assertEquals(3, rows.size(), rows.toString());
		Map<String, String> earlier = named(rows.get(0), rows.get(1));
		assertEquals("earlier", earlier.get("dataset"));
		assertEquals("0.450000", earlier.get("test_macro_f1"), "the old row's figures kept");
		assertEquals("", earlier.get("test_ece"));
		Map<String, String> run = named(rows.get(0), rows.get(2));
		assertEquals(1.0, Double.parseDouble(run.get("calibration_temperature")), "--calibrate none: T = 1");
		double ece = Double.parseDouble(run.get("test_ece"));
		assertTrue(ece >= 0 && ece <= 1, run.toString());
		assertTrue(r.out().contains("Test ECE"), r.out());
		assertEquals(2, cli(args[0], "--data", labelled, "--output", out, "--calibrate", "platt").code(), "an unknown calibration is a usage error");
	}

	/** The demo's table carries B's validation accuracy beside A's for SKD methods, and "-" where there is no B. */
	@Test
	void demoPrintsBsValidationAccuracyBesideAs() {
		Run r = cli("demo", "--epochs", "2", "--size", "16", "--methods", "single-ws,dual-skd", "--teacher-arch", "resnet10-w8",
				"--student-arch", "resnet10-w4", "--threads", "2", "--quiet");
		assertEquals(0, r.code(), r.toString());
		List<String> lines = r.out().lines().toList();
		assertTrue(lines.get(0).trim().endsWith("val_acc_A val_acc_B"), lines.get(0));
		String single = lines.stream().filter(l -> l.startsWith("single-ws")).findFirst().orElseThrow();
		String dual = lines.stream().filter(l -> l.startsWith("dual-skd")).findFirst().orElseThrow();
		assertTrue(single.trim().endsWith("-"), single);
		double b = Double.parseDouble(dual.trim().split("\\s+")[8]);
		assertTrue(b >= 0 && b <= 1, dual);
	}
}
