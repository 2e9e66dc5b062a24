package org.duodistill.fiji;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.io.FileSaver;
import ij.process.ColorProcessor;
import org.duodistill.train.EpochRecord;
import org.duodistill.infer.Metrics;
import org.duodistill.train.TrainResult;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The training plot (loss, validation accuracy and macro-F1 per epoch, A and B) and the confusion matrix,
 * saved as PNG into the model folder and shown when there is a screen.
 */
public final class TrainingFigures {
	public static final String PLOT_PNG = "training-plot.png";
	public static final String CONFUSION_PNG = "confusion-matrix.png";

	private TrainingFigures() {}

	static void save(Path modelFolder, List<EpochRecord> history, TrainResult result) throws IOException {
		save(modelFolder, history, result, false);
	}

	/** @param plotShown the run's live plot already shows the history: only its PNG is written */
	static void save(Path modelFolder, List<EpochRecord> history, TrainResult result, boolean plotShown) throws IOException {
		if (!history.isEmpty()) {
			ImagePlus plot = plot(history).getImagePlus();
			write(plot, modelFolder.resolve(PLOT_PNG));
			if (!FijiEnvironment.headless() && !plotShown) plot.show();
		}
		if (result.testMetrics() != null) {
			ImagePlus cm = confusion(result.testMetrics(), result.model().classes());
			write(cm, modelFolder.resolve(CONFUSION_PNG));
			if (!FijiEnvironment.headless()) cm.show();
		}
	}

	/** Legend names of the plot's series; {@link #seriesValues} gives the history's values for each. */
	static final String TEACHER_LOSS = "teacher loss", TEACHER_ACC = "teacher val accuracy", STUDENT_LOSS = "student loss",
			ACC_A = "val accuracy (A)", ACC_B = "val accuracy (B)", F1_A = "val macro-F1 (A)", F1_B = "val macro-F1 (B)";

	/**
	 * Loss and validation accuracy per epoch, of the teacher and of the students A and B, with A's
	 * and B's macro-F1 as marks and the stage boundaries dotted. The y range is fixed to include 0
	 * and 1 with a margin rather than fitted: a fitted range puts a constant series at its minimum
	 * (a student that still predicts one class) on the frame, where it cannot be seen.
	 */
	public static Plot plot(List<EpochRecord> history) {
		Plot p = new Plot("DuoDistill Training", "epoch", "loss / val accuracy (lines), macro-F1 (marks)");
		double top = 1;
		for (EpochRecord r : history) {
			for (double v : new double[] {r.loss(), r.valAccA(), r.valF1A(), r.valAccB(), r.valF1B()}) if (Double.isFinite(v)) top = Math.max(top, v);
		}
		int first = history.stream().mapToInt(EpochRecord::epoch).min().orElse(1);
		int last = history.stream().mapToInt(EpochRecord::epoch).max().orElse(1);
		double bottom = -0.04 * top;
		top *= 1.04;
		// set before the data, or ImageJ fits the range to the first series added
		p.setLimits(first, Math.max(last, first + 1), bottom, top);
		add(p, history, "teacher", EpochRecord::loss, TEACHER_LOSS, new Color(175, 175, 175), Plot.LINE, 1);
		add(p, history, "teacher", EpochRecord::valAccA, TEACHER_ACC, new Color(90, 90, 90), Plot.LINE, 2);
		add(p, history, "student", EpochRecord::loss, STUDENT_LOSS, Color.BLUE, Plot.LINE, 1);
		// A wide, B narrow over it: both show where they are equal
		add(p, history, "student", EpochRecord::valAccA, ACC_A, A_COLOR, Plot.LINE, 4);
		add(p, history, "student", EpochRecord::valAccB, ACC_B, B_COLOR, Plot.LINE, 1.5f);
		add(p, history, "student", EpochRecord::valF1A, F1_A, A_COLOR, Plot.X, 2);
		add(p, history, "student", EpochRecord::valF1B, F1_B, B_COLOR, Plot.BOX, 2);
		p.setLegend(null, Plot.AUTO_POSITION | Plot.LEGEND_TRANSPARENT);
		p.setLimits(first, Math.max(last, first + 1), bottom, top);
		// whole epochs only, at most about ten labels
		p.setOptions("xinterval=" + Math.max(1, (int) Math.ceil((Math.max(last, first + 1) - first) / 10.0)) + " xdecimals=0");
		// stage boundaries (skd to finetune, ...): a dotted line before the first epoch of each new stage
		p.setColor(Color.DARK_GRAY);
		p.setLineWidth(1);
		for (int i = 1; i < history.size(); i++) {
			EpochRecord a = history.get(i - 1), b = history.get(i);
			if (a.model().equals(b.model()) && !a.stage().equals(b.stage())) p.drawDottedLine(b.epoch() - 0.5, bottom, b.epoch() - 0.5, top, 2);
		}
		return p;
	}

	static final Color A_COLOR = new Color(0, 150, 0), B_COLOR = new Color(255, 140, 0);

	/** The epochs and values of one series: {@code model}'s records where {@code value} is finite. */
	static double[][] seriesValues(List<EpochRecord> history, String model, java.util.function.ToDoubleFunction<EpochRecord> value) {
		List<EpochRecord> rows = history.stream().filter(r -> r.model().equals(model) && Double.isFinite(value.applyAsDouble(r))).toList();
		return new double[][] {rows.stream().mapToDouble(EpochRecord::epoch).toArray(), rows.stream().mapToDouble(value).toArray()};
	}

	private static void add(Plot p, List<EpochRecord> history, String model, java.util.function.ToDoubleFunction<EpochRecord> value, String label,
			Color color, int shape, float width) {
		double[][] s = seriesValues(history, model, value);
		if (s[0].length == 0) return; // e.g. no B: the method has none
		p.setColor(color);
		p.setLineWidth(width);
		p.addPoints(s[0], s[1], shape);
		p.setLabel(-1, label);
	}

	/** Rows: true class, columns: predicted; cell shade by row-normalised count, count written in. */
	public static ImagePlus confusion(Metrics m, List<String> classes) {
		int k = classes.size();
		int cell = 64;
		int margin = 110;
		ColorProcessor ip = new ColorProcessor(margin + k * cell + 10, margin + k * cell + 10);
		ip.setColor(Color.WHITE);
		ip.fill();
		ip.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		ip.setAntialiasedText(true);
		for (int t = 0; t < k; t++) {
			int rowSum = 0;
			for (int p = 0; p < k; p++) rowSum += m.confusion()[t][p];
			for (int p = 0; p < k; p++) {
				int n = m.confusion()[t][p];
				double frac = rowSum == 0 ? 0 : (double) n / rowSum;
				int shade = (int) Math.round(255 * (1 - frac));
				ip.setColor(new Color(shade, shade, 255));
				ip.setRoi(margin + p * cell, margin + t * cell, cell - 2, cell - 2);
				ip.fill();
				ip.resetRoi();
				ip.setColor(frac > 0.5 ? Color.WHITE : Color.BLACK);
				ip.drawString(Integer.toString(n), margin + p * cell + cell / 3, margin + t * cell + cell / 2 + 6);
			}
			ip.setColor(Color.BLACK);
			ip.drawString(shorten(classes.get(t)), 4, margin + t * cell + cell / 2 + 6);
		}
		for (int p = 0; p < k; p++) ip.drawString(shorten(classes.get(p)), margin + p * cell + 2, margin - 8);
		ip.drawString("true \\ predicted", 4, 20);
		return new ImagePlus("DuoDistill Confusion Matrix", ip);
	}

	private static String shorten(String s) {
		return s.length() <= 10 ? s : s.substring(0, 9) + "…";
	}

	private static void write(ImagePlus imp, Path target) throws IOException {
		Path tmp = Files.createTempFile(target.getParent(), ".figure", ".png");
		try {
			if (!new FileSaver(imp).saveAsPng(tmp.toString())) throw new IOException("could not write " + target);
			Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		} finally {
			Files.deleteIfExists(tmp);
		}
	}
}
