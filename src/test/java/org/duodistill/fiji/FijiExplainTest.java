package org.duodistill.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.macro.Interpreter;
import ij.measure.ResultsTable;
import ij.process.ImageProcessor;
import ij.process.LUT;
import org.duodistill.cli.Main;
import org.duodistill.infer.ExplanationFiles;
import org.duodistill.infer.ExplanationMethod;
import org.duodistill.infer.Viridis;
import org.duodistill.model.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.log.LogService;
import org.scijava.module.ModuleItem;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Explain Prediction and Ext.explain with a real engine, real ImageJ 1 images and a real SciJava
 * context, headless as the surefire JVM is.
 */
class FijiExplainTest {
	@TempDir
	static Path dir;
	static Context context;
	static CommandService commands;
	static Path data;
	static Path model;

	/** The smallest model the command line trains: no teacher, a ResNet-10 of width 8 at 32 px. */
	@BeforeAll
	static void trainTinyModel() throws Exception {
		Engines.configure(2);
		context = new Context(CommandService.class, LogService.class, org.scijava.app.StatusService.class);
		commands = context.service(CommandService.class);
		data = FijiTestData.labelledFolder(dir, 6);
		model = dir.resolve("model");
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Main.run(new String[] {"train", "--data", data.toString(), "--output", model.toString(), "--method", "random",
				"--student-arch", "resnet10-w8", "--size", "32", "--epochs", "2", "--threads", "2", "--calibrate", "none"},
				new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
	}

	@AfterAll
	static void close() {
		context.dispose();
	}

	/** Every parameter given, as a recorded macro gives them (SciJava would otherwise fill in the last run's values). */
	static CommandModule explain(Object... inputs) throws Exception {
		Map<String, Object> all = new LinkedHashMap<>();
		Object[] defaults = {"model", model.toFile(), "class_name", "", "method", ExplanationMethod.DEFAULT.cliName(), "opacity", 0.4,
				"overwrite", false, "device", "cpu"};
		for (int i = 0; i < defaults.length; i += 2) all.put((String) defaults[i], defaults[i + 1]);
		for (int i = 0; i < inputs.length; i += 2) all.put((String) inputs[i], inputs[i + 1]);
		return commands.run(ExplainPredictionCommand.class, true, all).get();
	}

	static ImagePlus threeSliceStack() throws Exception {
		ImageStack stack = new ImageStack(64, 64);
		for (String c : FijiTestData.CLASSES) stack.addSlice(c, IJ.openImage(FijiTestData.sample(c, 20).toString()).getProcessor().convertToShort(false));
		return new ImagePlus("three orientations", stack);
	}

	static float max(ImageProcessor ip) {
		float m = Float.NEGATIVE_INFINITY;
		for (float v : (float[]) ip.getPixels()) m = Math.max(m, v);
		return m;
	}

	@Test
	void aStackGetsAMapPerSliceAnOverlayPerSliceAndARowPerSlice() throws Exception {
		assertTrue(FijiEnvironment.headless(), "these tests run as a headless Fiji would");
		ImagePlus imp = threeSliceStack();
		CommandModule m = explain("image", imp, "opacity", 0.4);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));

		ImagePlus maps = (ImagePlus) m.getOutput("explanation");
		assertEquals("Explanation of three orientations", maps.getTitle());
		assertEquals(3, maps.getStackSize());
		assertEquals(64, maps.getWidth());
		assertEquals(64, maps.getHeight());
		assertEquals(32, maps.getBitDepth());
		assertNull(maps.getWindow(), "headless: created, not shown");
		assertEquals(0.0, maps.getDisplayRangeMin());
		assertEquals(1.0, maps.getDisplayRangeMax());
		LUT lut = maps.getProcessor().getLut();
		LUT viridis = Viridis.lut();
		for (int i : new int[] {0, 128, 255}) assertEquals(viridis.getRGB(i), lut.getRGB(i), "viridis at " + i);

		ResultsTable rt = (ResultsTable) m.getOutput("explanations");
		assertEquals(3, rt.size());
		for (int row = 0; row < 3; row++) {
			ImageProcessor map = maps.getStack().getProcessor(row + 1);
			for (float v : (float[]) map.getPixels()) assertTrue(v >= 0f && v <= 1f, "slice " + (row + 1) + ": " + v);
			assertEquals(1f, max(map), 1e-6, "each slice's map peaks at 1");
			assertEquals("three orientations", rt.getStringValue("file", row));
			assertEquals(row + 1, (int) rt.getValue("slice", row));
			String predicted = rt.getStringValue("predicted", row);
			assertTrue(FijiTestData.CLASSES.contains(predicted), predicted);
			assertEquals(predicted, rt.getStringValue("explained", row), "no class given: the predicted one is explained");
			assertEquals(ExplanationMethod.DEFAULT.cliName(), rt.getStringValue("method", row));
			double conf = rt.getValue("confidence", row);
			assertTrue(conf >= 1.0 / 3 - 1e-6 && conf <= 1, "confidence " + conf);
			int x = (int) rt.getValue("peak_x", row), y = (int) rt.getValue("peak_y", row);
			assertTrue(x >= 0 && x < 64 && y >= 0 && y < 64, "peak inside the image: " + x + "," + y);
			assertEquals(max(map), map.getf(x, y), 0f, "the peak is the map's maximum");
		}

		// the same predictions as Classify Image gives
		ResultsTable classified = (ResultsTable) commands.run(ClassifyImageCommand.class, true, "image", imp, "model", model.toFile(),
				"label_slices", false, "device", "cpu").get().getOutput("predictions");
		for (int row = 0; row < 3; row++) {
			assertEquals(classified.getStringValue("predicted", row), rt.getStringValue("predicted", row));
			assertEquals(classified.getValue("confidence", row), rt.getValue("confidence", row), 1e-5);
		}

		Overlay overlay = imp.getOverlay();
		assertNotNull(overlay);
		assertEquals(3, overlay.size());
		Set<Integer> positions = new HashSet<>();
		for (Roi r : overlay.toArray()) {
			ImageRoi roi = (ImageRoi) r;
			positions.add(roi.getPosition());
			assertEquals(0.4, roi.getOpacity(), 1e-2);
			assertTrue(roi.getZeroTransparent());
			assertEquals(64, roi.getProcessor().getWidth());
			assertEquals(64, roi.getProcessor().getHeight());
			int slice = roi.getPosition();
			int x = (int) rt.getValue("peak_x", slice - 1), y = (int) rt.getValue("peak_y", slice - 1);
			int[] top = roi.getProcessor().getPixel(x, y, null);
			assertArrayEquals(new int[] {viridis.getRed(255), viridis.getGreen(255), viridis.getBlue(255)}, top, "the peak in viridis' top colour");
			ImageProcessor map = maps.getStack().getProcessor(slice);
			int low = -1;
			for (int i = 0; i < 64 * 64 && low < 0; i++) if (map.getf(i) < ExplanationImages.OVERLAY_FLOOR) low = i;
			if (low >= 0) assertEquals(0, roi.getProcessor().get(low) & 0xffffff, "under the floor the overlay is transparent");
		}
		assertEquals(Set.of(1, 2, 3), positions, "one overlay image per slice");

		// Run again: the overlay is replaced, not doubled, and the user's own elements stay
		overlay.add(new Roi(1, 1, 5, 5));
		assertFalse(explain("image", imp, "opacity", 0.5).isCanceled());
		assertEquals(4, imp.getOverlay().size());
		assertEquals(1, Arrays.stream(imp.getOverlay().toArray()).filter(r -> !(r instanceof ImageRoi)).count());

		// Headless, the table is ImageJ's Results table, what a headless macro reads
		ResultsTable results = ij.measure.ResultsTable.getResultsTable();
		assertEquals(3, results.size());
		assertEquals(rt.getValue("peak_x", 2), results.getValue("peak_x", 2));
	}

	/**
	 * A 3-channel hyperstack is explained as Classify Image classifies it: one map per (z, t), its channels
	 * together, laid over every channel of its position; the rows are Classify Image's rows.
	 */
	@Test
	void aHyperstackGetsOneMapPerZAndTLikeClassifyImageOverAllItsChannels() throws Exception {
		ImageStack stack = new ImageStack(64, 64);
		// c fastest, then z, then t: 3 channels x 2 z x 2 t, each (z, t) from a different sample
		for (int i = 0; i < 12; i++) {
			String cls = FijiTestData.CLASSES.get(i / 3 % 3);
			stack.addSlice(IJ.openImage(FijiTestData.sample(cls, 30 + i).toString()).getProcessor().convertToFloat());
		}
		ImagePlus imp = new ImagePlus("hyper", stack);
		imp.setDimensions(3, 2, 2);
		imp.setOpenAsHyperStack(true);
		CommandModule m = explain("image", imp);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		ImagePlus maps = (ImagePlus) m.getOutput("explanation");
		assertArrayEquals(new int[] {64, 64, 1, 2, 2}, maps.getDimensions(), "one map per (z, t), the hyperstack's z and t");
		Set<String> positions = new HashSet<>();
		for (Roi r : imp.getOverlay().toArray()) positions.add(r.getCPosition() + "," + r.getZPosition() + "," + r.getTPosition());
		assertEquals(Set.of("0,1,1", "0,2,1", "0,1,2", "0,2,2"), positions, "each map over all channels (0) of its (z, t)");
		ResultsTable rt = (ResultsTable) m.getOutput("explanations");
		assertEquals(4, rt.size(), "one row per (z, t), not per channel");
		assertEquals(2, (int) rt.getValue("z", 1));
		assertEquals(2, (int) rt.getValue("frame", 2));
		assertEquals(3, (int) rt.getValue("channels", 0));
		ResultsTable classified = (ResultsTable) commands.run(ClassifyImageCommand.class, true, "image", imp, "model", model.toFile(),
				"label_slices", false, "device", "cpu").get().getOutput("predictions");
		assertEquals(classified.size(), rt.size());
		for (int row = 0; row < rt.size(); row++) {
			assertEquals(classified.getValue("slice", row), rt.getValue("slice", row));
			assertEquals(classified.getStringValue("predicted", row), rt.getStringValue("predicted", row));
			assertEquals(classified.getValue("confidence", row), rt.getValue("confidence", row), 1e-5);
		}
	}

	@Test
	void aNonSquareImageGetsAMapOfItsOwnSizeAndAnOutputFolderGetsTheFiles() throws Exception {
		ImageProcessor ip = IJ.openImage(FijiTestData.sample("coronal", 3).toString()).getProcessor().resize(80, 48);
		ImagePlus imp = new ImagePlus("wide/one.png", ip);
		Path out = dir.resolve("open-image-maps");
		CommandModule m = explain("image", imp, "class_name", "sagittal", "method", "gradient", "output", out.toFile());
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		ImagePlus maps = (ImagePlus) m.getOutput("explanation");
		assertEquals(1, maps.getStackSize());
		assertEquals(80, maps.getWidth());
		assertEquals(48, maps.getHeight());
		ResultsTable rt = (ResultsTable) m.getOutput("explanations");
		assertEquals(1, rt.size());
		assertEquals("sagittal", rt.getStringValue("explained", 0), "the class asked for, whatever was predicted");
		assertEquals("gradient", rt.getStringValue("method", 0));
		int x = (int) rt.getValue("peak_x", 0), y = (int) rt.getValue("peak_y", 0);
		assertTrue(x >= 0 && x < 80 && y >= 0 && y < 48, x + "," + y);
		assertEquals(1f, maps.getProcessor().getf(x, y), 1e-6);
		Roi[] rois = imp.getOverlay().toArray();
		assertEquals(1, rois.length);
		assertEquals(0, rois[0].getPosition(), "a 2-D image's overlay shows on its only plane");

		// the files the command line writes, named after the title
		List<String> csv = Files.readAllLines(out.resolve(ExplanationFiles.CSV));
		assertEquals(ExplanationFiles.HEADER, csv.get(0));
		assertEquals(2, csv.size());
		assertTrue(csv.get(1).endsWith(",sagittal,gradient,wide_one.tif"), csv.get(1));
		ImagePlus saved = IJ.openImage(out.resolve("wide_one.tif").toString());
		assertEquals(80, saved.getWidth());
		assertEquals(32, saved.getBitDepth());
		assertEquals(maps.getProcessor().getf(x, y), saved.getProcessor().getf(x, y));
		assertTrue(Files.isRegularFile(out.resolve("wide_one-overlay.png")));

		imp.setOverlay(null);
		CommandModule again = explain("image", imp, "output", out.toFile());
		assertTrue(again.isCanceled(), "existing files are not replaced unless asked");
		assertTrue(again.getCancelReason().contains("exists"), again.getCancelReason());
		assertNull(imp.getOverlay(), "a run that stops leaves the image as it was");
		assertNull(again.getOutput("explanation"));
		assertFalse(explain("image", imp, "output", out.toFile(), "overwrite", true).isCanceled());
	}

	@Test
	void mistakesStopTheCommandWithAMessageThatSaysWhatToDo() throws Exception {
		ImagePlus imp = threeSliceStack();
		CommandModule wrong = explain("image", imp, "class_name", "liver");
		assertTrue(wrong.isCanceled());
		for (String named : List.of("liver", "axial", "coronal", "sagittal")) {
			assertTrue(wrong.getCancelReason().contains(named), wrong.getCancelReason());
		}
		assertNull(imp.getOverlay(), "nothing is added when the command fails");
		assertNull(wrong.getOutput("explanation"));

		CommandModule noModel = explain("image", imp, "model", dir.resolve("no-such-model").toFile());
		assertTrue(noModel.isCanceled());
		assertTrue(noModel.getCancelReason().contains("no-such-model") && noModel.getCancelReason().contains("not found"),
				noModel.getCancelReason());

		CommandModule noImage = explain();
		assertTrue(noImage.isCanceled());
		assertTrue(noImage.getCancelReason().contains("image"), noImage.getCancelReason());
	}

	@Test
	void theMethodChoicesAreTheCoresMethodsWithItsDefaultFirst() {
		CommandInfo info = commands.getCommand(ExplainPredictionCommand.class);
		assertEquals("Explain Prediction", info.getMenuPath().getLeaf().getName());
		assertEquals("DuoDistill", info.getMenuPath().get(1).getName());
		ModuleItem<?> method = info.getInput("method");
		List<String> core = Arrays.stream(ExplanationMethod.values()).map(ExplanationMethod::cliName).toList();
		assertEquals(new HashSet<>(core), new HashSet<>(method.getChoices().stream().map(String::valueOf).toList()));
		assertEquals(ExplanationMethod.DEFAULT.cliName(), String.valueOf(method.getChoices().get(0)));
	}

	@Test
	void extExplainWritesAMapPerImageAndTheCsvOfAFolder() throws Exception {
		Path images = data.resolve("sagittal");
		Path out = dir.resolve("ext-maps");
		Path single = dir.resolve("ext-one");
		Path file;
		try (Stream<Path> s = Files.list(images)) {
			file = s.sorted().findFirst().orElseThrow();
		}
		String code = String.join("\n",
				"call(\"org.duodistill.fiji.DuoDistillMacroExtensions.enable\");",
				"Ext.loadModel(\"" + model + "\");",
				"csv = Ext.explain(\"" + images + "\", \"" + out + "\");",
				"Ext.explain(\"" + images + "\", \"" + out + "\");", // again: a macro's own earlier files are replaced
				"one = Ext.explainWith(\"" + file + "\", \"" + single + "\", \"axial\", \"gradient\", true);",
				"call(\"java.lang.System.setProperty\", \"dd.explained\", csv + \"|\" + one);",
				"Ext.unloadModel();");
		Interpreter interp = new Interpreter();
		interp.setIgnoreErrors(true);
		interp.run(code, "");
		assertNull(interp.getErrorMessage());
		String[] returned = System.getProperty("dd.explained").split("\\|");
		assertEquals(out.resolve(ExplanationFiles.CSV).toString(), returned[0]);
		assertEquals(single.resolve(ExplanationFiles.CSV).toString(), returned[1]);

		List<String> csv = Files.readAllLines(out.resolve(ExplanationFiles.CSV));
		assertEquals(ExplanationFiles.HEADER, csv.get(0));
		List<Path> inputs, maps;
		try (Stream<Path> s = Files.list(images); Stream<Path> t = Files.list(out)) {
			inputs = s.sorted().toList();
			maps = t.filter(p -> p.toString().endsWith(".tif")).sorted().toList();
		}
		assertEquals(inputs.size(), csv.size() - 1, "a row per image");
		assertEquals(inputs.size(), maps.size(), "a map per image");
		for (Path in : inputs) {
			String stem = in.getFileName().toString().replaceFirst("\\.[^.]+$", "");
			Path map = out.resolve(stem + ".tif");
			assertTrue(Files.isRegularFile(map), map.toString());
			ImagePlus a = IJ.openImage(map.toString()), b = IJ.openImage(in.toString());
			assertEquals(32, a.getBitDepth());
			assertEquals(b.getWidth(), a.getWidth());
			assertEquals(1f, max(a.getProcessor()), 1e-6);
		}
		assertFalse(Files.exists(out.resolve(maps.get(0).getFileName().toString().replace(".tif", "-overlay.png"))), "no overlay by default");

		List<String> one = Files.readAllLines(single.resolve(ExplanationFiles.CSV));
		assertEquals(2, one.size());
		assertTrue(one.get(1).contains(",axial,gradient,"), one.get(1));
		try (Stream<Path> s = Files.list(single)) {
			assertEquals(1, s.filter(p -> p.toString().endsWith("-overlay.png")).count(), "explainWith's overlay");
		}

		Interpreter bad = new Interpreter();
		bad.setIgnoreErrors(true);
		bad.run("call(\"org.duodistill.fiji.DuoDistillMacroExtensions.enable\");\nExt.loadModel(\"" + model + "\");\n"
				+ "Ext.explainWith(\"" + file + "\", \"" + dir.resolve("never") + "\", \"liver\", \"\", false);", "");
		assertTrue(bad.getErrorMessage() != null && bad.getErrorMessage().contains("liver") && bad.getErrorMessage().contains("coronal"),
				bad.getErrorMessage());
		assertFalse(Files.exists(dir.resolve("never").resolve(ExplanationFiles.CSV)));
	}
}
