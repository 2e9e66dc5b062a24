package org.duodistill.train;

/**
 * One line of training history. {@code valF1B} and {@code valAccB} describe the auxiliary EMA
 * teacher B (NaN when the method has none); {@code selectedOnTrain} is set when there was no
 * validation data and selection used the training split. {@code dataWaitSeconds}: how long the
 * training steps of the epoch waited for their batch to be prepared (decoded samples augmented
 * and normalised on another thread while the previous step runs).
 */
public record EpochRecord(String model, String stage, int epoch, double lr, double loss, double ceLoss, double kdLoss,
		double valAccA, double valF1A, double valAccB, double valF1B, double seconds, double dataWaitSeconds, long rssBytes, int liveTensors) {

	/** The last record that validated a B (the end of the SKD stage), or null when none did. */
	public static EpochRecord lastWithB(java.util.List<EpochRecord> history) {
		EpochRecord last = null;
		for (EpochRecord e : history) if (!Double.isNaN(e.valAccB())) last = e;
		return last;
	}

	public static String csvHeader() {
		return "model,stage,epoch,lr,loss,ce_loss,kd_loss,val_accuracy_a,val_macro_f1_a,val_accuracy_b,val_macro_f1_b,seconds,data_wait_seconds,rss_mb,live_tensors";
	}

	public String csvRow() {
		return String.join(",", model, stage, Integer.toString(epoch), fmt(lr), fmt(loss), fmt(ceLoss), fmt(kdLoss), fmt(valAccA),
				fmt(valF1A), fmt(valAccB), fmt(valF1B), fmt(seconds), fmt(dataWaitSeconds), Long.toString(rssBytes >> 20), Integer.toString(liveTensors));
	}

	/** How every CSV this project writes prints a number: 6 significant digits, empty for NaN. */
	public static String fmt(double v) {
		return org.duodistill.data.Csv.number(v);
	}
}
