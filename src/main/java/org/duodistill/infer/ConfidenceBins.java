package org.duodistill.infer;

/**
 * Images grouped by their top confidence into {@link #BINS} equal-width bins over [0, 1]: how many
 * fall in each, their summed confidence and how many of them are right. The one binning behind both
 * the ECE (metrics, calibration) and the reliability diagram, so the diagram shows what the ECE
 * measured.
 *
 * @param count images per bin
 * @param confidenceSum the summed top probability of the images in each bin
 * @param correct images per bin whose top class is the label
 * @param images all images, the ECE's denominator
 */
public record ConfidenceBins(int[] count, double[] confidenceSum, int[] correct, int images) {
	/** Equal-width bins of the ECE, the usual choice (Guo et al. 2017). */
	public static final int BINS = 15;

	/** Bins the top probability of each row; a confidence of exactly 1 goes into the last bin. */
	public static ConfidenceBins of(float[][] probabilities, int[] labels) {
		if (probabilities.length != labels.length) {
			throw new IllegalArgumentException(probabilities.length + " rows of probabilities for " + labels.length + " labels");
		}
		int[] count = new int[BINS];
		double[] conf = new double[BINS];
		int[] correct = new int[BINS];
		for (int i = 0; i < probabilities.length; i++) {
			int best = Metrics.argmax(probabilities[i]);
			double c = probabilities[i][best];
			int bin = Math.min(BINS - 1, (int) (c * BINS));
			count[bin]++;
			conf[bin] += c;
			if (best == labels[i]) correct[bin]++;
		}
		return new ConfidenceBins(count, conf, correct, probabilities.length);
	}

	/** Share of the images in bin {@code b} that are right; NaN for an empty bin. */
	public double accuracy(int b) {
		return count[b] == 0 ? Double.NaN : (double) correct[b] / count[b];
	}

	/** Mean top probability of the images in bin {@code b}; NaN for an empty bin. */
	public double confidence(int b) {
		return count[b] == 0 ? Double.NaN : confidenceSum[b] / count[b];
	}

	/** Lower edge of bin {@code b}; its upper edge is {@code lowerEdge(b + 1)}. */
	public static double lowerEdge(int b) {
		return (double) b / BINS;
	}

	/** Expected calibration error: |accuracy - confidence| per bin, weighted by the bin's share of the images; NaN without images. */
	public double ece() {
		if (images == 0) return Double.NaN;
		double e = 0;
		for (int b = 0; b < BINS; b++) if (count[b] > 0) e += Math.abs(correct[b] - confidenceSum[b]) / images;
		return e;
	}
}
