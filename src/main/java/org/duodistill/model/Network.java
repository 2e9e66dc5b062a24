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
	default NDArray forward(DeviceWeights weights, NDArray input, boolean training) {
		return forward(weights, input, training ? BatchNormMode.TRAIN : BatchNormMode.EVAL);
	}

	/** As {@link #forward(DeviceWeights, NDArray, boolean)} with an explicit BatchNorm mode: the head on the features. */
	default NDArray forward(DeviceWeights weights, NDArray input, BatchNormMode norm) {
		return ai.djl.nn.core.Linear.linear(features(weights, input, norm), weights.get(headWeight()), weights.get(headBias())).singletonOrThrow();
	}

	/** The input of the classification head, [N, features]. */
	NDArray features(DeviceWeights weights, NDArray input, BatchNormMode norm);

	/** Names of the head's weight [classes, features] and bias [classes]. */
	String headWeight();

	String headBias();
}
