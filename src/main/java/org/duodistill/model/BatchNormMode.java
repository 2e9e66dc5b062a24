package org.duodistill.model;

/**
 * How a forward pass treats BatchNorm: normalise with the running statistics (inference), or with
 * the batch's own statistics while folding them into the running ones at a given rate.
 *
 * @param batchStatistics normalise with the batch's mean and variance
 * @param updateRate PyTorch's BatchNorm momentum: running = (1 - rate) * running + rate * batch;
 *        0 leaves the running statistics untouched
 */
public record BatchNormMode(boolean batchStatistics, float updateRate) {
	/** Inference: running statistics, nothing updated. */
	public static final BatchNormMode EVAL = new BatchNormMode(false, 0f);
	/** Training: batch statistics, running ones updated with PyTorch's default rate 0.1. */
	public static final BatchNormMode TRAIN = new BatchNormMode(true, 0.1f);
	/**
	 * Batch statistics without touching the running ones: how a model whose running statistics do
	 * not describe its weights (an EMA teacher) can still give sensible outputs.
	 */
	public static final BatchNormMode BATCH_ONLY = new BatchNormMode(true, 0f);

	public BatchNormMode {
		if (updateRate < 0 || updateRate > 1) throw new IllegalArgumentException("BatchNorm update rate must be in [0,1]");
		if (!batchStatistics && updateRate != 0) throw new IllegalArgumentException("running statistics are only updated from batch statistics");
	}

	/** The k-th batch (1-based) of a re-estimation: running statistics become the mean over batches 1..k. */
	public static BatchNormMode cumulative(int k) {
		return new BatchNormMode(true, 1f / k);
	}
}
