package org.duodistill.data;

import java.nio.file.Path;

/**
 * One labelled plane: its source (file, 1-based slice), label and split, and the decoded image
 * resized and robustly scaled (cached so later epochs never decode files again).
 */
public record Sample(Path file, int slice, int label, Split split, float[] scaled, int channels) {
	public Sample withSplit(Split s) {
		return new Sample(file, slice, label, s, scaled, channels);
	}
}
