package org.duodistill.infer;

/**
 * Why one image or slice got its class: the prediction, the class the map explains and the map
 * itself at the input image's own size (0-1, row-major), with the position of its maximum.
 */
public record Explanation(String source, int slice, String predictedClass, float confidence, String explainedClass,
		ExplanationMethod method, int width, int height, float[] map, int peakX, int peakY) {
	public Explanation {
		if (map.length != (long) width * height) throw new IllegalArgumentException("map size does not match " + width + "x" + height);
	}
}
