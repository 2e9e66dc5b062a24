package org.duodistill.data;

import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

/**
 * Planes whose two voxel sizes differ (a 0.5 x 0.5 x 5 mm volume cut coronally) resampled to square
 * pixels of the smaller size, bilinearly, so that they have the proportions a viewer shows: the
 * coarse direction gains pixels, none is lost.
 */
record SquarePixels(int width, int height, double spacing) {
	/** Null when the plane's pixels are square already (within 0.1%) or a voxel size is unknown. */
	static SquarePixels of(VoxelLayout layout, NiftiOrientation orientation) {
		double[] s = orientation.spacing();
		double sc = s[layout.columnAxis()];
		double sr = s[layout.rowAxis()];
		if (!(sc > 0) || !(sr > 0) || !Double.isFinite(sc) || !Double.isFinite(sr)) return null;
		if (Math.abs(sc - sr) <= 1e-3 * Math.max(sc, sr)) return null;
		double square = Math.min(sc, sr);
		long w = Math.max(1, Math.round(layout.width() * sc / square));
		long h = Math.max(1, Math.round(layout.height() * sr / square));
		if (w * h > Integer.MAX_VALUE / 4) return null; // absurd proportions: left as stored rather than exhausting memory
		return new SquarePixels((int) w, (int) h, square);
	}

	ImagePlane resample(ImagePlane p) {
		int n = p.width() * p.height();
		float[] out = new float[p.channels() * width * height];
		for (int c = 0; c < p.channels(); c++) {
			float[] channel = java.util.Arrays.copyOfRange(p.pixels(), c * n, (c + 1) * n);
			FloatProcessor fp = new FloatProcessor(p.width(), p.height(), channel);
			fp.setInterpolationMethod(ImageProcessor.BILINEAR);
			float[] r = (float[]) fp.resize(width, height).getPixels();
			System.arraycopy(r, 0, out, c * width * height, width * height);
		}
		return new ImagePlane(width, height, p.channels(), out, p.bitDepth());
	}
}
