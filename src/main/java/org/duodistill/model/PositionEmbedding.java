package org.duodistill.model;

/**
 * Resamples ViT position embeddings to another patch grid the way timm's
 * {@code resample_abs_pos_embed} does: the prefix (class) tokens are kept, the grid is resized with
 * PyTorch's {@code interpolate(mode="bicubic", antialias=True, align_corners=False)}, a separable
 * filter with the cubic kernel at a = -0.5 widened by the scale when shrinking, weights normalised.
 */
public final class PositionEmbedding {
	private static final double A = -0.5;

	private PositionEmbedding() {}

	/**
	 * @param pos [1, prefix + g * g, D]
	 * @param prefix tokens before the grid (1: the class token)
	 * @param grid the new grid side
	 * @return [1, prefix + grid * grid, D]
	 */
	public static HostTensor resample(HostTensor pos, int prefix, int grid) {
		if (pos.rank() != 3 || pos.dim(0) != 1) throw new IllegalArgumentException("pos_embed must be [1, tokens, dim], got " + java.util.Arrays.toString(pos.shape()));
		int d = Math.toIntExact(pos.dim(2));
		int old = (int) Math.round(Math.sqrt(pos.dim(1) - prefix));
		if (old * old != pos.dim(1) - prefix) {
			throw new IllegalArgumentException("pos_embed has " + (pos.dim(1) - prefix) + " grid tokens, not a square grid");
		}
		float[] src = pos.data();
		HostTensor out = HostTensor.zeros(new long[] {1, prefix + (long) grid * grid, d});
		float[] dst = out.data();
		System.arraycopy(src, 0, dst, 0, prefix * d);
		Weights wx = weights(old, grid);
		// along x: [old, old, d] -> [old, grid, d]
		double[] mid = new double[old * grid * d];
		for (int y = 0; y < old; y++) {
			for (int x = 0; x < grid; x++) {
				for (int k = 0; k < wx.size[x]; k++) {
					double w = wx.w[x][k];
					int sx = wx.min[x] + k;
					int s = (prefix + y * old + sx) * d;
					int m = (y * grid + x) * d;
					for (int c = 0; c < d; c++) mid[m + c] += w * src[s + c];
				}
			}
		}
		// along y: [old, grid, d] -> [grid, grid, d]
		for (int y = 0; y < grid; y++) {
			for (int k = 0; k < wx.size[y]; k++) {
				double w = wx.w[y][k];
				int sy = wx.min[y] + k;
				for (int x = 0; x < grid; x++) {
					int m = (sy * grid + x) * d;
					int o = (prefix + y * grid + x) * d;
					for (int c = 0; c < d; c++) dst[o + c] += (float) (w * mid[m + c]);
				}
			}
		}
		return out;
	}

	/** Per output index: first input index, count and normalised weights (PyTorch's antialiased bicubic). */
	private record Weights(int[] min, int[] size, double[][] w) {}

	private static Weights weights(int in, int out) {
		double scale = (double) in / out;
		double support = scale >= 1 ? 2 * scale : 2;
		double invScale = scale >= 1 ? 1 / scale : 1;
		int[] min = new int[out];
		int[] size = new int[out];
		double[][] w = new double[out][];
		for (int i = 0; i < out; i++) {
			double center = scale * (i + 0.5);
			int lo = Math.max((int) (center - support + 0.5), 0);
			int hi = Math.min((int) (center + support + 0.5), in);
			min[i] = lo;
			size[i] = hi - lo;
			w[i] = new double[size[i]];
			double total = 0;
			for (int j = 0; j < size[i]; j++) {
				w[i][j] = cubic((j + lo - center + 0.5) * invScale);
				total += w[i][j];
			}
			for (int j = 0; j < size[i]; j++) w[i][j] = total != 0 ? w[i][j] / total : 0;
		}
		return new Weights(min, size, w);
	}

	private static double cubic(double x) {
		x = Math.abs(x);
		if (x < 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
		if (x < 2) return (((x - 5) * x + 8) * x - 4) * A;
		return 0;
	}
}
