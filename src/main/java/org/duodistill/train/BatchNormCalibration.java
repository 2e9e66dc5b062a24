package org.duodistill.train;

import ai.djl.ndarray.NDScope;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.Sample;
import org.duodistill.model.BatchNormMode;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;

import java.util.List;
import java.util.Random;

/**
 * Re-estimates a model's BatchNorm running statistics for its current weights from training
 * images (no gradient, no augmentation): the running mean and variance become the average over
 * the batches seen. Needed wherever weights were averaged or selected from another model, since
 * statistics averaged alongside the weights describe neither network.
 */
public final class BatchNormCalibration {
	/** Enough images for stable statistics at a fraction of an epoch's cost on large datasets. */
	public static final int DEFAULT_IMAGES = 512;

	private BatchNormCalibration() {}

	public static void recalibrate(DeviceWeights w, List<Sample> samples, Preprocessing prep, int batchSize, int maxImages, long seed) {
		if (samples.size() < 2 || !w.spec().hasStatistics()) return;
		Engines.noGradientsOnThisThread();
		List<int[]> batches = Batches.epoch(samples.size(), Math.max(2, batchSize), new Random(seed));
		int seen = 0;
		int k = 0;
		for (int[] idx : batches) {
			if (seen >= maxImages) break;
			k++;
			try (NDScope scope = new NDScope()) {
				var x = Batches.images(w.manager(), w.manager().getDevice(), samples, idx, prep, null, null);
				w.spec().network().forward(w, x, BatchNormMode.cumulative(k));
			}
			seen += idx.length;
		}
	}
}
