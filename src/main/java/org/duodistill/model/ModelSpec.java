package org.duodistill.model;

import com.google.gson.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An architecture with fixed sizes: what tensors it has (timm / torchvision names), how to run it
 * and how to describe it in {@code model.json}. Families: ResNet, ViT, ConvNeXt.
 */
public interface ModelSpec {
	String family();

	/** Registry name such as {@code resnet18} or {@code resnet10-w32}, or {@code custom}. */
	String name();

	int inChannels();

	int numClasses();

	ModelSpec withClasses(int numClasses);

	ModelSpec withInChannels(int inChannels);

	/** Every tensor of the model in canonical order, learnable parameters and statistics alike. */
	LinkedHashMap<String, long[]> tensorShapes();

	/** True for tensors that are statistics (BatchNorm running mean/var), not learned by gradient. */
	boolean isStatistic(String tensorName);

	/** True for the classification head, which weight selection never copies. */
	boolean isHead(String tensorName);

	Network network();

	/** Multiply-accumulate count times two for one image of the given square size. */
	long flops(int imageSize);

	JsonObject toJson();

	/**
	 * Explains why this spec cannot take weights from {@code teacher} by weight selection
	 * (different family or block type, deeper or wider), or returns null when it can.
	 */
	String incompatibilityWith(ModelSpec teacher);

	/** The input size the architecture is built for (ViT: its position embeddings), or 0 for any size. */
	default int imageSize() {
		return 0;
	}

	/** The same architecture for inputs of {@code size} pixels (ViT: another position-embedding grid). */
	default ModelSpec withImageSize(int size) {
		return this;
	}

	/**
	 * Weights of {@code from} (same family, other input size) made to fit this spec, e.g. ViT position
	 * embeddings resampled to this grid; unchanged for architectures that take any input size.
	 */
	default java.util.LinkedHashMap<String, HostTensor> adaptWeights(ModelSpec from, Map<String, HostTensor> weights) {
		return new java.util.LinkedHashMap<>(weights);
	}

	/**
	 * How many equal blocks axis 0 of a tensor fuses (ViT's qkv: q, k and v, 3); weight selection
	 * selects within each block with the same index set.
	 */
	default int fusedBlocks(String tensorName) {
		return 1;
	}

	/**
	 * Whether AdamW decays this learned tensor. As timm: matrices and kernels do, biases and norm
	 * scales (one-dimensional) do not; families add their own exceptions.
	 */
	default boolean decays(String tensorName, long[] shape) {
		return shape.length > 1;
	}

	/** True when the architecture keeps statistics (BatchNorm) besides learned parameters. */
	default boolean hasStatistics() {
		for (String k : tensorShapes().keySet()) if (isStatistic(k)) return true;
		return false;
	}

	default long parameterCount() {
		long n = 0;
		for (var e : tensorShapes().entrySet()) {
			if (!isStatistic(e.getKey())) n += HostTensor.numel(e.getValue());
		}
		return n;
	}

	/** One line for logs and tables, e.g. {@code resnet10-w32 (1.2M params)}. */
	default String describe() {
		return String.format(java.util.Locale.ROOT, "%s (%.2fM params)", name(), parameterCount() / 1e6);
	}
}
