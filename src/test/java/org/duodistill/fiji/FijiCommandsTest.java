package org.duodistill.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import org.duodistill.infer.Calibration;
import org.duodistill.model.Engines;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.SavedModel;
import org.duodistill.train.TrainingJob;
import org.duodistill.train.TrainingOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.log.LogService;
import org.scijava.module.ModuleService;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command run headless through a real SciJava context on real images, as a macro or script would. */
class FijiCommandsTest {
	@TempDir
	static Path dir;
	static Context context;
	static CommandService commands;
	static Path data;
	static Path model;
	static CommandModule trained;

	/** Tiny networks and two epochs per stage: the commands are under test, not accuracy. */
	static Object[] trainInputs(Path out, int epochs) {
		return new Object[] {"data", data.toFile(), "output", out.toFile(), "method", "dual-skd", "teacher", "auto", "teacher_arch",
				"resnet10-w8", "student_arch", "resnet10-w4", "size", 32, "epochs", epochs, "batch", 8, "lr", 1e-3, "seed", 3,
				"train_fraction", 1.0, "device", "cpu", "hflip", false, "overwrite", false, "calibrate", "temperature"};
	}

	/** {@link #trainInputs} with {@code key} set to {@code value}. */
	static Object[] with(Object[] inputs, String key, Object value) {
		Object[] in = inputs.clone();
		for (int i = 0; i < in.length; i += 2) if (in[i].equals(key)) in[i + 1] = value;
		return in;
	}

	@BeforeAll
	static void trainOnce() throws Exception {
		Engines.configure(2);
		context = new Context(CommandService.class, LogService.class, org.scijava.app.StatusService.class);
		commands = context.service(CommandService.class);
		data = FijiTestData.labelledFolder(dir, 8);
		model = dir.resolve("model");
		trained = commands.run(TrainClassifierCommand.class, true, trainInputs(model, 2)).get();
	}

	@AfterAll
	static void close() {
		context.dispose();
	}

	@Test
	void trainWritesTheModelTheTrainingTableAndTheFigures() throws Exception {
		assertFalse(trained.isCanceled(), String.valueOf(trained.getCancelReason()));
		assertTrue(Files.isRegularFile(model.resolve("model.json")));
		ResultsTable t = (ResultsTable) trained.getOutput("training");
		assertEquals(4, t.size(), "2 teacher epochs + 2 student epochs");
		assertEquals("teacher", t.getStringValue("model", 0));
		assertEquals("student", t.getStringValue("model", 3));
		assertEquals("finetune", t.getStringValue("stage", 3));
		assertFalse(Double.isNaN(t.getValue("val_macro_f1_b", 2)), "B's validation score is in the table");
		for (String png : List.of(TrainingFigures.PLOT_PNG, TrainingFigures.CONFUSION_PNG)) {
			ImagePlus imp = IJ.openImage(model.resolve(png).toString());
			assertNotNull(imp, png);
			assertTrue(imp.getWidth() > 100 && imp.getHeight() > 100, png);
		}
		String summary = (String) trained.getOutput("summary");
		assertTrue(summary.contains("accuracy") && summary.contains("resnet10-w4"), summary);
		assertTrue(Files.readString(model.resolve("skipped-files.csv")).contains("broken.png"));
	}

	@Test
	void classifyImageGivesOneRowPerSliceWithProbabilitiesAndLabelsTheSlices() throws Exception {
		ImageStack stack = new ImageStack(64, 64);
		for (String c : FijiTestData.CLASSES) {
			stack.addSlice(c, IJ.openImage(FijiTestData.sample(c, 20).toString()).getProcessor().convertToShort(false));
		}
		ImagePlus imp = new ImagePlus("three orientations", stack);
		CommandModule m = commands.run(ClassifyImageCommand.class, true, "image", imp, "model", model.toFile(), "label_slices", true,
				"device", "cpu").get();
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		ResultsTable rt = (ResultsTable) m.getOutput("predictions");
		assertEquals(3, rt.size());
		for (int row = 0; row < 3; row++) {
			assertEquals("three orientations", rt.getStringValue("file", row));
			assertEquals(row + 1, (int) rt.getValue("slice", row));
			double sum = 0;
			double best = -1;
			String bestClass = null;
			for (String c : FijiTestData.CLASSES) {
				double p = rt.getValue("p_" + c, row);
				sum += p;
				if (p > best) {
					best = p;
					bestClass = c;
				}
			}
			assertEquals(1.0, sum, 1e-4);
			assertEquals(bestClass, rt.getStringValue("predicted", row));
			assertEquals(best, rt.getValue("confidence", row), 1e-6);
			assertTrue(imp.getStack().getSliceLabel(row + 1).startsWith(bestClass), imp.getStack().getSliceLabel(row + 1));
		}
		// Headless, the table is ImageJ's Results table: what a headless macro reads.
		ij.macro.Interpreter interp = new ij.macro.Interpreter();
		interp.setIgnoreErrors(true);
		interp.run("call('java.lang.System.setProperty', 'dd.results', '' + nResults + '|' + getResultString('predicted', 2) + '|' + d2s(getResult('confidence', 2), 6));", "");
		assertEquals(null, interp.getErrorMessage());
		assertEquals("3|" + rt.getStringValue("predicted", 2) + "|" + String.format(java.util.Locale.ROOT, "%.6f", rt.getValue("confidence", 2)),
				System.getProperty("dd.results"));
	}

	/**
	 * The channels of one (z, t) are one sample, as when any reader reads the file: a 3-channel
	 * hyperstack gives one row per (z, t), the same predictions as the file ImageJ saved of it.
	 */
	@Test
	void aThreeChannelHyperstackGivesOneRowPerZAndT() throws Exception {
		ImageStack stack = new ImageStack(64, 64);
		for (int i = 0; i < 12; i++) stack.addSlice(IJ.openImage(FijiTestData.sample(i % 2 == 0 ? "axial" : "coronal", 30 + i).toString()).getProcessor());
		ImagePlus imp = new ImagePlus("hyper", stack);
		imp.setDimensions(3, 2, 2);
		imp.setOpenAsHyperStack(true);
		imp = new ij.CompositeImage(imp, IJ.COMPOSITE);
		ResultsTable rt = (ResultsTable) commands.run(ClassifyImageCommand.class, true, "image", imp, "model", model.toFile(),
				"label_slices", true, "device", "cpu").get().getOutput("predictions");
		assertEquals(4, rt.size(), "one row per (z, t), not per channel");
		assertEquals(List.of(1, 2, 1, 2), List.of((int) rt.getValue("z", 0), (int) rt.getValue("z", 1), (int) rt.getValue("z", 2), (int) rt.getValue("z", 3)));
		assertEquals(List.of(1, 1, 2, 2), List.of((int) rt.getValue("frame", 0), (int) rt.getValue("frame", 1), (int) rt.getValue("frame", 2), (int) rt.getValue("frame", 3)));
		assertEquals(3, (int) rt.getValue("channels", 3));
		// every channel of (z=2, t=2) carries the label of row 4
		for (int s = 10; s <= 12; s++) assertTrue(imp.getStack().getSliceLabel(s).startsWith(rt.getStringValue("predicted", 3)), imp.getStack().getSliceLabel(s));
		Path tif = dir.resolve("hyper.tif");
		assertTrue(new ij.io.FileSaver(imp).saveAsTiff(tif.toString()));
		try (var c = org.duodistill.infer.Classifier.open(model, Engines.device("cpu"))) {
			var fromFile = c.classify(tif);
			assertEquals(4, fromFile.size());
			for (int r = 0; r < 4; r++) assertEquals(fromFile.get(r).confidence(), rt.getValue("confidence", r), 1e-5, "row " + r);
		}
	}

	@Test
	void classifyFolderFillsTheTableSkipsTheBrokenFileAndSavesCsv() throws Exception {
		Path csv = dir.resolve("out").resolve("predictions.csv");
		CommandModule m = commands.run(ClassifyFolderCommand.class, true, "input", data.toFile(), "model", model.toFile(), "output",
				csv.toFile(), "device", "cpu").get();
		ResultsTable rt = (ResultsTable) m.getOutput("predictions");
		assertEquals(24, rt.size(), "8 images per class; the broken file is skipped");
		assertEquals(1, (int) (Integer) m.getOutput("skipped"));
		List<String> lines = Files.readAllLines(csv);
		assertEquals("file,slice,predicted,confidence,p_axial,p_coronal,p_sagittal", lines.get(0));
		assertEquals(25, lines.size());
		// A table the user saves from Fiji has the command line's six decimals, not ImageJ's default three.
		Path saved = dir.resolve("out").resolve("saved-by-user.csv");
		rt.saveAs(saved.toString());
		String[] row = Files.readAllLines(saved).get(1).split(",");
		int conf = List.of(Files.readAllLines(saved).get(0).split(",")).indexOf("confidence");
		assertEquals(String.format(java.util.Locale.ROOT, "%.6f", rt.getValue("confidence", 0)), row[conf]);
		assertEquals(ResultTables.DECIMALS, row[conf].length() - row[conf].indexOf('.') - 1, row[conf]);
	}

	/** The metrics table, calibration rows included; the CSV saved, and the reliability diagram beside it under its name. */
	@Test
	void evaluateModelReportsTheMetricsAndSavesTheReliabilityDiagramBesideTheCsv() throws Exception {
		Path csv = dir.resolve("evaluation").resolve("test-metrics.csv");
		CommandModule m = commands.run(EvaluateModelCommand.class, true, "model", model.toFile(), "data", data.toFile(), "output", csv.toFile(),
				"device", "cpu").get();
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		ResultsTable rt = (ResultsTable) m.getOutput("metrics");
		assertEquals("accuracy", rt.getStringValue("metric", 0));
		double acc = rt.getValue("value", 0);
		assertTrue(acc >= 0 && acc <= 1);
		java.util.Map<String, Double> rows = new java.util.HashMap<>();
		for (int r = 0; r < rt.size(); r++) rows.put(rt.getStringValue("metric", r), rt.getValue("value", r));
		assertEquals(24.0, rows.get("n"));
		assertTrue(rows.get("ece") >= 0 && rows.get("ece") <= 1, "ece " + rows.get("ece"));
		assertTrue(rows.get("nll") > 0 && rows.get("brier") >= 0 && rows.get("brier") <= 2, rows.toString());
		assertTrue(Files.readString(csv).contains("ece"), "the saved CSV has the table's rows");
		ImagePlus png = IJ.openImage(dir.resolve("evaluation").resolve("test-metrics-reliability.png").toString());
		assertNotNull(png, "the reliability diagram beside the CSV");
		assertTrue(png.getWidth() > 400 && png.getHeight() > 400, png.getWidth() + " x " + png.getHeight());
	}

	/** calibrate=none, as a macro gives it, reaches model.json: no temperature fitted; the default fits one on the validation split. */
	@Test
	void trainsCalibrateChoiceIsRecordedInModelJson() throws Exception {
		assertEquals(List.of("temperature", "none"), commands.getCommand(TrainClassifierCommand.class).getInput("calibrate", String.class)
				.getChoices());
		SavedModel fitted = ModelFolder.read(model);
		assertEquals("temperature", fitted.provenance().getAsJsonObject("options").get("calibrate").getAsString());
		Calibration c = Calibration.of(fitted.provenance());
		assertEquals("val", c.split(), "the default fits a temperature on the validation split");
		assertTrue(c.images() > 0 && !Double.isNaN(c.eceBefore()), c.toString());
		// "none" here would mean a validation split without errors or without a right answer: T = 1 kept (CalibrationTest)
		if (c.method().equals("temperature")) assertTrue(c.temperature() != 1.0 && c.temperature() > 0.05 && c.temperature() < 20, c.toString());

		Path out = dir.resolve("uncalibrated");
		CommandModule none = commands.run(TrainClassifierCommand.class, true, with(trainInputs(out, 1), "calibrate", "none")).get();
		assertFalse(none.isCanceled(), String.valueOf(none.getCancelReason()));
		SavedModel plain = ModelFolder.read(out);
		assertEquals("none", plain.provenance().getAsJsonObject("options").get("calibrate").getAsString());
		Calibration n = Calibration.of(plain.provenance());
		assertEquals("none", n.method());
		assertEquals(1.0, n.temperature());
		assertEquals(0, n.images(), "nothing fitted");

		// A macro may give any text; the command refuses it with this message. Not run through the command
		// here: SciJava remembers inputs, refused ones too, in the user's preferences for the next run.
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingOptions.calibrates("platt"));
		assertEquals("calibrate must be temperature or none, got 'platt'", e.getMessage());
	}

	@Test
	void inspectDatasetListsUsedAndSkippedFilesBeforeTraining() throws Exception {
		CommandModule m = commands.run(InspectDatasetCommand.class, true, "data", data.toFile(), "size", 32).get();
		ResultsTable rt = (ResultsTable) m.getOutput("dataset");
		assertEquals(25, rt.size());
		int skipped = 0;
		for (int r = 0; r < rt.size(); r++) {
			if (rt.getStringValue("status", r).equals("skipped")) {
				skipped++;
				assertTrue(rt.getStringValue("file", r).endsWith("broken.png"));
				assertFalse(rt.getStringValue("reason", r).isBlank());
			}
		}
		assertEquals(1, skipped);
		String summary = (String) m.getOutput("summary");
		assertTrue(summary.contains("axial 8") && summary.contains("1 skipped"), summary);
		assertEquals(64, (int) rt.getValue("width", 0));
		assertEquals(8, (int) rt.getValue("bit_depth", 0));
		assertEquals(1, (int) rt.getValue("samples", 0));
		assertFalse(rt.getStringValue("format", 0).isBlank());
		assertEquals("ImageJ", rt.getStringValue("reader", 0), "the reader that read the file");
	}

	@Test
	void badInputCancelsTheCommandWithAReasonAUserUnderstands() throws Exception {
		CommandModule m = commands.run(TrainClassifierCommand.class, true, trainInputs(dir.resolve("m2"), 1)).get();
		assertFalse(m.isCanceled(), "control run");
		Object[] missing = trainInputs(dir.resolve("m3"), 1);
		missing[1] = new File(dir.toFile(), "no-such-folder");
		CommandModule bad = commands.run(TrainClassifierCommand.class, true, missing).get();
		assertTrue(bad.isCanceled());
		assertTrue(bad.getCancelReason().contains("no-such-folder"), bad.getCancelReason());
		CommandModule exists = commands.run(TrainClassifierCommand.class, true, trainInputs(model, 1)).get();
		assertTrue(exists.isCanceled());
		assertTrue(exists.getCancelReason().contains("not empty"), exists.getCancelReason());
		CommandModule noModel = commands.run(EvaluateModelCommand.class, true, "model", dir.toFile(), "data", data.toFile(), "device", "cpu").get();
		assertTrue(noModel.isCanceled());
		assertTrue(noModel.getCancelReason().contains("model.json"), noModel.getCancelReason());
	}

	/** Cancel mid-epoch: the run stops between batches, keeps the best finished epoch and says so. */
	@Test
	void cancellingTrainingKeepsTheBestCheckpointAndLeavesTheRunResumable() throws Exception {
		ModuleService modules = context.service(ModuleService.class);
		LogService log = context.service(LogService.class);
		CommandInfo info = commands.getCommand(TrainClassifierCommand.class);
		CommandModule module = (CommandModule) modules.createModule(info);
		Path out = dir.resolve("cancelled");
		Object[] in = trainInputs(out, 6);
		AtomicBoolean fired = new AtomicBoolean();
		org.scijava.log.LogListener listener = msg -> {
			// After the student's first epoch is logged, cancel as the user would.
			if (msg.text().contains("student skd epoch 1:") && fired.compareAndSet(false, true)) {
				((TrainClassifierCommand) module.getCommand()).cancel("user pressed cancel");
			}
		};
		log.addLogListener(listener);
		try {
			java.util.Map<String, Object> inputs = new java.util.HashMap<>();
			for (int i = 0; i < in.length; i += 2) inputs.put((String) in[i], in[i + 1]);
			Future<?> f = modules.run(module, true, inputs);
			f.get(5, TimeUnit.MINUTES);
		} finally {
			log.removeLogListener(listener);
		}
		assertTrue(fired.get());
		String summary = (String) module.getOutput("summary");
		assertTrue(summary.contains("cancelled") && summary.contains("best checkpoint"), summary);
		String json = Files.readString(out.resolve("model.json"));
		assertTrue(json.contains("\"cancelled\": true"), json);
		ResultsTable t = (ResultsTable) module.getOutput("training");
		assertTrue(t.size() < 12, "stopped early: " + t.size() + " epochs");
		assertEquals("student", t.getStringValue("model", t.size() - 1));

		// the run stays resumable: Resume Training... continues it to the model of an uninterrupted run
		assertTrue(Files.isRegularFile(TrainingJob.runArgumentsFile(out)), "cancel keeps the checkpoints");
		CommandModule resumed = commands.run(ResumeTrainingCommand.class, true, "model", out.toFile()).get(5, TimeUnit.MINUTES);
		assertFalse(resumed.isCanceled(), String.valueOf(resumed.getCancelReason()));
		assertTrue(Files.readString(out.resolve("model.json")).contains("\"cancelled\": false"), "the cancelled model is replaced");
		assertFalse(Files.exists(TrainingJob.checkpointFolder(out)), "checkpoints are removed once the model is written");
		Path whole = dir.resolve("not-cancelled");
		assertFalse(commands.run(TrainClassifierCommand.class, true, trainInputs(whole, 6)).get(5, TimeUnit.MINUTES).isCanceled());
		var a = org.duodistill.model.SafeTensors.read(whole.resolve("weights.safetensors"));
		var b = org.duodistill.model.SafeTensors.read(out.resolve("weights.safetensors"));
		for (String k : a.keySet()) org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(k).data(), b.get(k).data(), k);
		assertEquals(Files.readAllLines(whole.resolve("history.csv")).size(), Files.readAllLines(out.resolve("history.csv")).size());
	}

	@Test
	void theEscapeKeyCancelsTooAsInImageJ() {
		FijiProgress p = new FijiProgress(null, null, null);
		IJ.resetEscape();
		assertFalse(p.isCancelled());
		IJ.setKeyDown(java.awt.event.KeyEvent.VK_ESCAPE);
		try {
			assertTrue(p.isCancelled());
		} finally {
			IJ.resetEscape();
		}
	}
}
