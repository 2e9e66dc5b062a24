package org.duodistill.infer;

/**
 * The viridis colour map (perceptually uniform, readable in grey and by most colour-blind readers;
 * by van der Walt and Smith, CC0), from nine of its colours with straight lines between them.
 */
public final class Viridis {
	private static final int[][] STOPS = {{68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141}, {39, 173, 129},
			{92, 200, 99}, {170, 220, 50}, {253, 231, 37}};

	private Viridis() {}

	static int[] rgb(float v) {
		float t = Math.max(0f, Math.min(1f, Float.isNaN(v) ? 0f : v)) * (STOPS.length - 1);
		int i = Math.min(STOPS.length - 2, (int) t);
		float f = t - i;
		int[] out = new int[3];
		for (int c = 0; c < 3; c++) out[c] = Math.round(STOPS[i][c] * (1 - f) + STOPS[i + 1][c] * f);
		return out;
	}

	/** As an ImageJ LUT, 256 entries. */
	public static ij.process.LUT lut() {
		byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		for (int i = 0; i < 256; i++) {
			int[] c = rgb(i / 255f);
			r[i] = (byte) c[0];
			g[i] = (byte) c[1];
			b[i] = (byte) c[2];
		}
		return new ij.process.LUT(r, g, b);
	}
}
