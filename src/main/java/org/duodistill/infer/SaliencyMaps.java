package org.duodistill.infer;

import ij.plugin.filter.GaussianBlur;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * Turns a raw attribution map at network resolution into what a person reads: smoothed where it
 * is raw gradients (speckled pixel by pixel; a blur of 1/32 of the width keeps a shape's extent and
 * makes the peak stable), scaled to 0-1 by its maximum, and resized to the input image's own size
 * (preprocessing stretched the whole image to the network's square, so the map stretches back).
 */
public final class SaliencyMaps {
	private SaliencyMaps() {}

	/** @return [width*height], 0-1 */
	public static float[] toImage(float[] raw, int size, int width, int height) {
		return toImage(raw, size, width, height, true);
	}

	/** @param blur false for maps that are smooth already (occlusion's are averages over patches) */
	public static float[] toImage(float[] raw, int size, int width, int height, boolean blur) {
		FloatProcessor fp = new FloatProcessor(size, size, raw.clone());
		double sigma = Math.max(0.5, size / 32.0);
		if (blur) new GaussianBlur().blurGaussian(fp, sigma, sigma, 0.002);
		float[] smooth = (float[]) fp.getPixels();
		float max = 0;
		for (float v : smooth) max = Math.max(max, v);
		if (max > 0) for (int i = 0; i < smooth.length; i++) smooth[i] = Math.max(0f, smooth[i] / max);
		if (width == size && height == size) return smooth;
		fp.setInterpolationMethod(ImageProcessor.BILINEAR);
		float[] out = (float[]) fp.resize(width, height, true).getPixels();
		// interpolation between samples lowers the top; the map's maximum is 1 at any size
		float top = 0;
		for (float v : out) top = Math.max(top, v);
		for (int i = 0; i < out.length; i++) out[i] = top > 0 ? Math.max(0f, Math.min(1f, out[i] / top)) : 0f;
		return out;
	}

	/** The position of the map's maximum, {x, y}, 0-based; the first in reading order on ties. */
	public static int[] peak(float[] map, int width) {
		int best = 0;
		for (int i = 1; i < map.length; i++) if (map[i] > map[best]) best = i;
		return new int[] {best % width, best / width};
	}
}
