package org.duodistill.data;

import java.nio.file.Path;

/**
 * One labelled plane: its source (file, 1-based slice), label and split, and the decoded image
 * resized and robustly scaled, cached (in memory or on disk) so later epochs never decode files again.
 */
public record Sample(Path file, int slice, int label, Split split, CachedPixels pixels, int channels) {
	public Sample(Path file, int slice, int label, Split split, float[] scaled, int channels) {
		this(file, slice, label, split, CachedPixels.inMemory(scaled), channels);
	}

	/** The cached [channels, size, size] values in [0,1]. */
	public float[] scaled() {
		return pixels.get();
	}

	public Sample withSplit(Split s) {
		return new Sample(file, slice, label, s, pixels, channels);
	}

	public Sample withLabel(int newLabel) {
		return new Sample(file, slice, newLabel, split, pixels, channels);
	}
}
