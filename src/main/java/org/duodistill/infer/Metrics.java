package org.duodistill.infer;

import org.duodistill.data.Csv;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification metrics from predicted probabilities: accuracy, balanced accuracy, macro-F1,
 * macro one-vs-rest AUC (rank statistic with ties averaged), per-class sensitivity and
 * specificity, the confusion matrix (rows true, columns predicted), and how far the confidences
 * can be trusted: expected calibration error (15 equal-width bins), negative log-likelihood and
 * Brier score (summed over classes, mean over images).
 */
public record Metrics(int n, double accuracy, double balancedAccuracy, double macroF1, double macroAuc,
		double[] sensitivity, double[] specificity, double[] f1, int[][] confusion, double ece, double nll, double brier) {

	public static Metrics compute(float[][] probabilities, int[] labels, int numClasses) {
		int n = labels.length;
		int[][] cm = new int[numClasses][numClasses];
		for (int i = 0; i < n; i++) cm[labels[i]][argmax(probabilities[i])]++;
		double correct = 0;
		for (int c = 0; c < numClasses; c++) correct += cm[c][c];
		double[] sens = new double[numClasses];
		double[] spec = new double[numClasses];
		double[] f1 = new double[numClasses];
		double sensSum = 0;
		int present = 0;
		double f1Sum = 0;
		for (int c = 0; c < numClasses; c++) {
			int tp = cm[c][c];
			int fn = 0;
			int fp = 0;
			for (int j = 0; j < numClasses; j++) {
				if (j != c) {
					fn += cm[c][j];
					fp += cm[j][c];
				}
			}
			int tn = n - tp - fn - fp;
			sens[c] = tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
			spec[c] = tn + fp == 0 ? Double.NaN : (double) tn / (tn + fp);
			f1[c] = 2 * tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
			if (tp + fn > 0) {
				sensSum += sens[c];
				present++;
			}
			f1Sum += f1[c];
		}
		double auc = macroAuc(probabilities, labels, numClasses);
		double nll = 0;
		double brier = 0;
		for (int i = 0; i < n; i++) {
			nll -= Math.log(Math.max(probabilities[i][labels[i]], 1e-12));
			for (int c = 0; c < numClasses; c++) {
				double d = probabilities[i][c] - (c == labels[i] ? 1 : 0);
				brier += d * d;
			}
		}
		return new Metrics(n, n == 0 ? Double.NaN : correct / n, present == 0 ? Double.NaN : sensSum / present,
				numClasses == 0 ? Double.NaN : f1Sum / numClasses, auc, sens, spec, f1, cm, Calibration.ece(probabilities, labels),
				n == 0 ? Double.NaN : nll / n, n == 0 ? Double.NaN : brier / n);
	}

	/** Index of the largest value (the first one on ties). */
	public static int argmax(float[] p) {
		int best = 0;
		for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
		return best;
	}

	/** Mean over classes that have both positives and negatives; NaN when none has. */
	static double macroAuc(float[][] probs, int[] labels, int k) {
		double sum = 0;
		int counted = 0;
		for (int c = 0; c < k; c++) {
			double a = binaryAuc(probs, labels, c);
			if (!Double.isNaN(a)) {
				sum += a;
				counted++;
			}
		}
		return counted == 0 ? Double.NaN : sum / counted;
	}

	/** Mann-Whitney U / (P * N) with average ranks for ties. */
	public static double binaryAuc(float[][] probs, int[] labels, int c) {
		int n = labels.length;
		Integer[] order = new Integer[n];
		for (int i = 0; i < n; i++) order[i] = i;
		Arrays.sort(order, Comparator.comparingDouble(i -> probs[i][c]));
		double[] ranks = new double[n];
		int i = 0;
		while (i < n) {
			int j = i;
			while (j + 1 < n && probs[order[j + 1]][c] == probs[order[i]][c]) j++;
			double r = (i + j) / 2.0 + 1;
			for (int t = i; t <= j; t++) ranks[order[t]] = r;
			i = j + 1;
		}
		long pos = 0;
		double rankSum = 0;
		for (int t = 0; t < n; t++) {
			if (labels[t] == c) {
				pos++;
				rankSum += ranks[t];
			}
		}
		long neg = n - pos;
		if (pos == 0 || neg == 0) return Double.NaN;
		return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
	}

	/**
	 * {@code metric,value} CSV of {@link #asRows}: counts as whole numbers, the rest to 6 significant
	 * digits, NaN (a class without examples) as an empty value. metrics.csv and {@code evaluate} write it.
	 */
	public String csv(List<String> classes) {
		StringBuilder b = new StringBuilder("metric,value\n");
		for (Map.Entry<String, Double> e : asRows(classes).entrySet()) {
			String k = e.getKey();
			boolean count = k.equals("n") || k.startsWith("support_") || k.startsWith("confusion_");
			b.append(Csv.row(k, count ? Long.toString(Math.round(e.getValue())) : Csv.number(e.getValue()))).append('\n');
		}
		return b.toString();
	}

	/** Rows {@code metric,value}: the summary first, then per-class rows and the confusion matrix. */
	public Map<String, Double> asRows(List<String> classes) {
		Map<String, Double> rows = new LinkedHashMap<>();
		rows.put("accuracy", accuracy);
		rows.put("balanced_accuracy", balancedAccuracy);
		rows.put("macro_f1", macroF1);
		rows.put("macro_auc", macroAuc);
		rows.put("n", (double) n);
		rows.put("ece", ece);
		rows.put("nll", nll);
		rows.put("brier", brier);
		for (int c = 0; c < classes.size(); c++) {
			String name = classes.get(c);
			rows.put("sensitivity_" + name, sensitivity[c]);
			rows.put("specificity_" + name, specificity[c]);
			rows.put("f1_" + name, f1[c]);
			rows.put("support_" + name, (double) Arrays.stream(confusion[c]).sum());
		}
		for (int t = 0; t < classes.size(); t++) {
			for (int p = 0; p < classes.size(); p++) {
				rows.put("confusion_" + classes.get(t) + "_as_" + classes.get(p), (double) confusion[t][p]);
			}
		}
		return rows;
	}
}
