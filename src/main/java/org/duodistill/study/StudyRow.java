package org.duodistill.study;

import org.duodistill.data.Csv;
import org.duodistill.train.EpochRecord;

import java.util.List;
import java.util.Locale;

/**
 * One training run of a study. Validation figures are what defaults are chosen on; test figures
 * are reported, never tuned on. {@code bValAccuracy} is the auxiliary teacher B's validation
 * accuracy after the last SKD epoch (NaN for methods without one). {@code temperature} is the
 * deployed model's calibration (1: none) and {@code testEce} the test ECE at it, what the model's
 * confidences are worth as classify gives them; both NaN in rows from before they were recorded.
 */
public record StudyRow(String dataset, String teacher, long seed, double fraction, String method, int trainImages, double valAccuracy,
		double valMacroF1, double testAccuracy, double testMacroF1, double testBalancedAccuracy, double testMacroAuc, double aValAccuracy,
		double bValAccuracy, int bestEpoch, String deployed, long parameters, long teacherParameters, double seconds, double temperature,
		double testEce) {

	public static final String HEADER = "dataset,teacher,seed,fraction,method,train_images,val_accuracy,val_macro_f1,test_accuracy,"
			+ "test_macro_f1,test_balanced_accuracy,test_macro_auc,a_val_accuracy_last_skd,b_val_accuracy_last_skd,best_epoch,deployed,"
			+ "parameters,teacher_parameters,seconds,calibration_temperature,test_ece";
	/** Columns of a row; rows written before the calibration columns have {@link #OLD_COLUMNS}. */
	static final int COLUMNS = 21;
	static final int OLD_COLUMNS = 19;

	/** The key that makes a row unique: a study rerun skips runs it already has. */
	public String key() {
		return key(dataset, teacher, seed, fraction, method);
	}

	public static String key(String dataset, String teacher, long seed, double fraction, String method) {
		return String.join("|", dataset, teacher, Long.toString(seed), f(fraction), method);
	}

	public String csv() {
		return Csv.row(dataset, teacher, Long.toString(seed), f(fraction), method, Integer.toString(trainImages), f(valAccuracy),
				f(valMacroF1), f(testAccuracy), f(testMacroF1), f(testBalancedAccuracy), f(testMacroAuc), f(aValAccuracy), f(bValAccuracy),
				Integer.toString(bestEpoch), deployed, Long.toString(parameters), Long.toString(teacherParameters), String.format(Locale.ROOT, "%.1f", seconds),
				f(temperature), f(testEce));
	}

	public static StudyRow parse(List<String> c) {
		if (c.size() != COLUMNS && c.size() != OLD_COLUMNS) {
			throw new IllegalArgumentException("study.csv row with " + c.size() + " columns, expected " + COLUMNS + " (or " + OLD_COLUMNS
					+ " from before the calibration columns)");
		}
		boolean calibrated = c.size() == COLUMNS;
		return new StudyRow(c.get(0), c.get(1), Long.parseLong(c.get(2)), d(c.get(3)), c.get(4), Integer.parseInt(c.get(5)), d(c.get(6)),
				d(c.get(7)), d(c.get(8)), d(c.get(9)), d(c.get(10)), d(c.get(11)), d(c.get(12)), d(c.get(13)), Integer.parseInt(c.get(14)),
				c.get(15), Long.parseLong(c.get(16)), Long.parseLong(c.get(17)), d(c.get(18)), calibrated ? d(c.get(19)) : Double.NaN,
				calibrated ? d(c.get(20)) : Double.NaN);
	}


	private static String f(double v) {
		return EpochRecord.fmt(v);
	}

	private static double d(String s) {
		return s.isBlank() ? Double.NaN : Double.parseDouble(s);
	}
}
