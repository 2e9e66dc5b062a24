package org.duodistill.data;

/** One 2-D image (a file, or one slice of a stack) as float pixels, channel-major [C, H, W]. */
public record ImagePlane(int width, int height, int channels, float[] pixels, int bitDepth) {
	public ImagePlane {
		if ((long) width * height * channels != pixels.length) {
			throw new IllegalArgumentException("pixel count does not match " + channels + "x" + height + "x" + width);
		}
	}
}
