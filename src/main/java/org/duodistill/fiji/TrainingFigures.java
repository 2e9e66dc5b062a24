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
 * The training plot (loss and validation macro-F1 per epoch, A and B) and the confusion matrix,
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

	public static Plot plot(List<EpochRecord> history) {
		Plot p = new Plot("DuoDistill Training", "epoch", "loss / macro-F1");
		addSeries(p, history, "teacher", Color.GRAY, Color.LIGHT_GRAY);
		addSeries(p, history, "student", Color.BLUE, new Color(0, 150, 0));
		double[] e = history.stream().filter(r -> r.model().equals("student") && !Double.isNaN(r.valF1B())).mapToDouble(EpochRecord::epoch).toArray();
		if (e.length > 0) {
			double[] f = history.stream().filter(r -> r.model().equals("student") && !Double.isNaN(r.valF1B())).mapToDouble(EpochRecord::valF1B).toArray();
			p.setColor(Color.ORANGE);
			p.addPoints(e, f, Plot.LINE);
			p.setLabel(-1, "val F1 (B)");
		}
		p.setLegend(null, Plot.AUTO_POSITION);
		p.setLimitsToFit(false);
		// stage boundaries (skd to finetune, ...): a dotted line before the first epoch of each new stage
		double top = p.getLimits()[3];
		p.setColor(Color.DARK_GRAY);
		for (int i = 1; i < history.size(); i++) {
			EpochRecord a = history.get(i - 1), b = history.get(i);
			if (a.model().equals(b.model()) && !a.stage().equals(b.stage())) p.drawDottedLine(b.epoch() - 0.5, 0, b.epoch() - 0.5, top, 2);
		}
		return p;
	}

	private static void addSeries(Plot p, List<EpochRecord> history, String model, Color loss, Color f1) {
		List<EpochRecord> rows = history.stream().filter(r -> r.model().equals(model)).toList();
		if (rows.isEmpty()) return;
		double[] e = rows.stream().mapToDouble(EpochRecord::epoch).toArray();
		p.setColor(loss);
		p.addPoints(e, rows.stream().mapToDouble(EpochRecord::loss).toArray(), Plot.LINE);
		p.setLabel(-1, model + " loss");
		p.setColor(f1);
		p.addPoints(e, rows.stream().mapToDouble(EpochRecord::valF1A).toArray(), Plot.LINE);
		p.setLabel(-1, model + " val F1" + (model.equals("student") ? " (A)" : ""));
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
