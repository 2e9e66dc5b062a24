package org.duodistill.fiji;

import ij.measure.ResultsTable;
import org.duodistill.data.SkippedFile;
import org.duodistill.infer.Explanation;
import org.duodistill.infer.Prediction;
import org.duodistill.train.EpochRecord;
import org.duodistill.infer.Metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The ImageJ results tables DuoDistill produces, in the form macros read with {@code getResult},
 * {@code getResultString}, {@code nResults} and {@code Table.*}.
 */
public final class ResultTables {
	public static final String PREDICTIONS = "DuoDistill Predictions";
	public static final String METRICS = "DuoDistill Metrics";
	public static final String TRAINING = "DuoDistill Training";
	public static final String DATASET = "DuoDistill Dataset";
	public static final String EXPLANATIONS = "DuoDistill Explanations";

	/** Decimals shown and saved: the command line's CSV precision, so a table saved from Fiji says the same. */
	public static final int DECIMALS = 6;

	private ResultTables() {}

	/** An empty table that shows and saves {@link #DECIMALS} decimals (ImageJ's default is 3). */
	public static ResultsTable newTable() {
		ResultsTable rt = new ResultsTable();
		rt.setPrecision(DECIMALS);
		return rt;
	}

	/** One row per image or slice: file, slice, predicted, confidence, p_&lt;class&gt;... */
	public static ResultsTable predictions(List<Prediction> predictions, List<String> classes) {
		ResultsTable rt = newTable();
		for (Prediction p : predictions) {
			rt.addRow();
			rt.addValue("file", p.source());
			rt.addValue("slice", p.slice());
			rt.addValue("predicted", p.predictedClass());
			rt.addValue("confidence", p.confidence());
			for (int c = 0; c < classes.size(); c++) rt.addValue("p_" + classes.get(c), p.probabilities()[c]);
		}
		rt.showRowNumbers(false);
		return rt;
	}

	/**
	 * One row per image or slice: file, slice, predicted, confidence, explained (the class the map is
	 * of), method, peak_x, peak_y (0-based pixels of the map's maximum): explanations.csv's columns.
	 */
	public static ResultsTable explanations(List<Explanation> explanations) {
		ResultsTable rt = newTable();
		for (Explanation e : explanations) {
			rt.addRow();
			rt.addValue("file", e.source());
			rt.addValue("slice", e.slice());
			rt.addValue("predicted", e.predictedClass());
			rt.addValue("confidence", e.confidence());
			rt.addValue("explained", e.explainedClass());
			rt.addValue("method", e.method().cliName());
			rt.addValue("peak_x", e.peakX());
			rt.addValue("peak_y", e.peakY());
		}
		rt.showRowNumbers(false);
		return rt;
	}

	/**
	 * Hyperstacks read by (z, t) (see {@link org.duodistill.data.ImageJReader#data}): the z and frame of
	 * each row's sample, found from its {@code slice} (the sample number), and how many channels it holds.
	 */
	public static void addSamplePositions(ResultsTable rt, ij.ImagePlus imp) {
		if (!imp.isHyperStack() && imp.getNChannels() == 1 && imp.getNFrames() == 1) return;
		for (int row = 0; row < rt.size(); row++) {
			int[] zt = org.duodistill.data.ImageJReader.zt(imp, (int) rt.getValue("slice", row));
			rt.setValue("z", row, zt[0]);
			rt.setValue("frame", row, zt[1]);
			rt.setValue("channels", row, org.duodistill.data.ImageJReader.stackIndices(imp, zt[0], zt[1]).length);
		}
	}

	/** Rows metric, value: the summary metrics, per-class rows and the confusion matrix. */
	public static ResultsTable metrics(Metrics m, List<String> classes) {
		ResultsTable rt = newTable();
		for (Map.Entry<String, Double> e : m.asRows(classes).entrySet()) {
			rt.addRow();
			rt.addValue("metric", e.getKey());
			rt.addValue("value", e.getValue());
		}
		rt.showRowNumbers(false);
		return rt;
	}

	/** Per-epoch history: stage, lr, losses, validation accuracy and macro-F1 of A and of B. */
	public static ResultsTable training(List<EpochRecord> history) {
		ResultsTable rt = newTable();
		for (EpochRecord r : history) {
			rt.addRow();
			rt.addValue("model", r.model());
			rt.addValue("stage", r.stage());
			rt.addValue("epoch", r.epoch());
			rt.addValue("lr", r.lr());
			rt.addValue("loss", r.loss());
			rt.addValue("ce_loss", r.ceLoss());
			rt.addValue("kd_loss", r.kdLoss());
			rt.addValue("val_accuracy_a", r.valAccA());
			rt.addValue("val_macro_f1_a", r.valF1A());
			rt.addValue("val_accuracy_b", r.valAccB());
			rt.addValue("val_macro_f1_b", r.valF1B());
			rt.addValue("seconds", r.seconds());
			rt.addValue("data_wait_seconds", r.dataWaitSeconds());
		}
		rt.showRowNumbers(false);
		return rt;
	}

	public static void addSkipped(ResultsTable rt, List<SkippedFile> skipped) {
		for (SkippedFile s : skipped) {
			rt.addRow();
			rt.addValue("file", s.file().toString());
			rt.addValue("status", "skipped");
			rt.addValue("reason", s.reason());
		}
	}

	/**
	 * With a screen: shown as a window under its title ({@code Table.*(..., title)} in macros).
	 * Headless (no windows exist): published as ImageJ's system Results table, so that headless
	 * macros read it with {@code nResults}, {@code getResult} and {@code getResultString}.
	 */
	public static void present(ResultsTable rt, String title) {
		if (java.awt.GraphicsEnvironment.isHeadless()) {
			ResultsTable results = (ResultsTable) rt.clone();
			ij.plugin.filter.Analyzer.setResultsTable(results);
			// setResultsTable imposes Analyzer's 3 decimals, and clone() shares the per-column decimals
			// with our table: restore ours for both
			results.setPrecision(DECIMALS);
		} else {
			rt.show(title);
		}
	}

	/** Saves as CSV through a temporary file, so a half-written table never replaces a good one. */
	public static void saveCsv(ResultsTable rt, Path file) throws IOException {
		Path abs = file.toAbsolutePath();
		Files.createDirectories(abs.getParent());
		Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".csv");
		try {
			rt.saveAs(tmp.toString());
			Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		} finally {
			Files.deleteIfExists(tmp);
		}
	}
}
