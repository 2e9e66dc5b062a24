package org.duodistill.fiji;

import ij.ImageJ;
import ij.WindowManager;
import ij.gui.PlotWindow;
import org.duodistill.model.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.log.LogService;

import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.Robot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * With a screen (run under xvfb-run; skipped headless): Train Classifier opens one live plot window
 * that is redrawn after every epoch, shows every epoch of A's and B's validation accuracy and
 * macro-F1 inside its frame, and saves the plot's PNG in the model folder. With
 * {@code -Dduodistill.plot.screenshot=FILE} the screen is saved there while the window shows.
 */
class FijiLivePlotTest {
	@TempDir
	Path dir;

	@Test
	void theLivePlotGrowsWithEveryEpochInOneWindow() throws Exception {
		assumeFalse(GraphicsEnvironment.isHeadless(), "needs a screen (xvfb-run)");
		Engines.configure(2);
		ImageJ ij = new ImageJ(ImageJ.NO_SHOW);
		Context context = new Context(CommandService.class, LogService.class, org.scijava.app.StatusService.class);
		try {
			Path data = FijiTestData.labelledFolder(dir, 8);
			Path out = dir.resolve("model");
			// FijiCommandsTest's inputs with this test's own folder (its data is set by its own setup)
			FijiCommandsTest.data = data;
			Object[] in = FijiCommandsTest.trainInputs(out, 4);
			CommandModule m = context.service(CommandService.class).run(TrainClassifierCommand.class, true, in).get(5, TimeUnit.MINUTES);
			assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
			int windows = 0;
			PlotWindow live = null;
			for (int id : WindowManager.getIDList()) {
				if (WindowManager.getImage(id).getWindow() instanceof PlotWindow w && LivePlot.TITLE.equals(w.getTitle())) {
					windows++;
					live = w;
				}
			}
			assertEquals(1, windows, "one live plot window per run");
			assertNotNull(live);
			int epochs = ((ij.measure.ResultsTable) m.getOutput("training")).size();
			assertTrue(epochs >= 8, "teacher and student epochs: " + epochs);
			// the window's plot holds every epoch of A and B, drawn inside its frame
			java.util.List<org.duodistill.train.EpochRecord> history = readHistory(out.resolve("history.csv"));
			TrainingFiguresTest.assertStudentsShown(live.getPlot(), history);
			float[][] a = TrainingFiguresTest.series(live.getPlot(), TrainingFigures.ACC_A);
			assertEquals(4, (int) a[0][a[0].length - 1], "the window shows the last epoch");
			assertTrue(Files.size(out.resolve(TrainingFigures.PLOT_PNG)) > 1000, "the plot's PNG is in the model folder");
			String shot = System.getProperty("duodistill.plot.screenshot");
			if (shot != null) {
				live.toFront();
				Thread.sleep(500);
				java.awt.image.BufferedImage img = new Robot().createScreenCapture(live.getBounds());
				javax.imageio.ImageIO.write(img, "png", new java.io.File(shot));
			}
		} finally {
			context.dispose();
			WindowManager.closeAllWindows();
			ij.quit();
		}
	}

	/** The run's history.csv as records (the columns the plot draws; NaN for empty cells). */
	static java.util.List<org.duodistill.train.EpochRecord> readHistory(Path csv) throws java.io.IOException {
		java.util.List<String> lines = Files.readAllLines(csv);
		java.util.List<String> head = java.util.List.of(lines.get(0).split(","));
		java.util.List<org.duodistill.train.EpochRecord> out = new java.util.ArrayList<>();
		for (String line : lines.subList(1, lines.size())) {
			String[] c = line.split(",", -1);
			java.util.function.ToDoubleFunction<String> v = name -> c[head.indexOf(name)].isEmpty() ? Double.NaN : Double.parseDouble(c[head.indexOf(name)]);
			out.add(new org.duodistill.train.EpochRecord(c[0], c[1], Integer.parseInt(c[2]), v.applyAsDouble("lr"), v.applyAsDouble("loss"),
					v.applyAsDouble("ce_loss"), v.applyAsDouble("kd_loss"), v.applyAsDouble("val_accuracy_a"), v.applyAsDouble("val_macro_f1_a"),
					v.applyAsDouble("val_accuracy_b"), v.applyAsDouble("val_macro_f1_b"), 0, 0, 0, 0));
		}
		return out;
	}
}
