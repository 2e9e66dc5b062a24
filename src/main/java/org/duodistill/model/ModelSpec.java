package org.duodistill.model;

import com.google.gson.JsonObject;

import java.util.LinkedHashMap;

/**
 * An architecture with fixed sizes: what tensors it has (timm / torchvision names), how to run it
 * and how to describe it in {@code model.json}. Families (ResNet now; ViT, ConvNeXt later) implement it.
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
