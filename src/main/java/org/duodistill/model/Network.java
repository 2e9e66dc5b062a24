package org.duodistill.model;

import ai.djl.ndarray.NDArray;

/** The forward pass of an architecture, written over named tensors so that names stay timm's. */
public interface Network {
	/**
	 * @param weights the model's tensors
	 * @param input a batch [N, C, H, W]
	 * @param training batch statistics (and running-statistic updates) instead of running statistics
	 * @return logits [N, classes]
	 */
	NDArray forward(DeviceWeights weights, NDArray input, boolean training);
}
