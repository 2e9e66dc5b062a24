package org.duodistill.data;

import java.util.Random;

/**
 * Training-time augmentation on cached [C, S, S] arrays in [0,1]: random resized crop (area scale
 * 0.8-1), a small rotation, intensity jitter, and a horizontal flip only when allowed, since
 * laterality matters in medical images.
 */
public record Augmentation(double minScale, double maxRotationDegrees, double intensityJitter, boolean horizontalFlip) {
	public static Augmentation defaults(boolean horizontalFlip) {
		return new Augmentation(0.8, 10, 0.1, horizontalFlip);
	}

	public static Augmentation none() {
		return new Augmentation(1.0, 0, 0, false);
	}

	public float[] apply(float[] img, int channels, int size, Random rng) {
		double scale = minScale + (1 - minScale) * rng.nextDouble();
		double side = Math.sqrt(scale);
		double angle = Math.toRadians((rng.nextDouble() * 2 - 1) * maxRotationDegrees);
		double maxShift = (1 - side) / 2 * size;
		double cx = size / 2.0 + (rng.nextDouble() * 2 - 1) * maxShift;
		double cy = size / 2.0 + (rng.nextDouble() * 2 - 1) * maxShift;
		boolean flip = horizontalFlip && rng.nextBoolean();
		float contrast = (float) (1 + (rng.nextDouble() * 2 - 1) * intensityJitter);
		float brightness = (float) ((rng.nextDouble() * 2 - 1) * intensityJitter);
		double cos = Math.cos(angle) * side;
		double sin = Math.sin(angle) * side;
		int n = size * size;
		float[] out = new float[channels * n];
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				// Output pixel -> source position: scale and rotate about the crop centre.
				double u = (flip ? size - 1 - x : x) - (size - 1) / 2.0;
				double v = y - (size - 1) / 2.0;
				double sx = cx - 0.5 + cos * u - sin * v;
				double sy = cy - 0.5 + sin * u + cos * v;
				for (int c = 0; c < channels; c++) {
					float val = bilinear(img, c * n, size, sx, sy);
					out[c * n + y * size + x] = Math.max(0f, Math.min(1f, val * contrast + brightness));
				}
			}
		}
		return out;
	}

	private static float bilinear(float[] img, int offset, int size, double x, double y) {
		x = Math.max(0, Math.min(size - 1, x));
		y = Math.max(0, Math.min(size - 1, y));
		int x0 = (int) Math.floor(x);
		int y0 = (int) Math.floor(y);
		int x1 = Math.min(size - 1, x0 + 1);
		int y1 = Math.min(size - 1, y0 + 1);
		double fx = x - x0;
		double fy = y - y0;
		double a = img[offset + y0 * size + x0] * (1 - fx) + img[offset + y0 * size + x1] * fx;
		double b = img[offset + y1 * size + x0] * (1 - fx) + img[offset + y1 * size + x1] * fx;
		return (float) (a * (1 - fy) + b * fy);
	}
}
