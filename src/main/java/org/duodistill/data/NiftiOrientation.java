package org.duodistill.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Where a NIfTI volume's voxel axes point in the subject, read as nibabel reads it: the sform when
 * its code is > 0, else the qform when its code is > 0, else the voxel sizes alone (Analyze's
 * convention: x runs to the subject's left). From the affine come the closest anatomical axes
 * (nibabel's {@code io_orientation}: the nearest orthonormal matrix, then for each voxel axis in
 * turn the world axis it is most parallel to), the axis codes ("RAS", "LPS"...) and the
 * permutation and flips that bring the voxels into the canonical RAS+ frame without resampling
 * ({@code as_closest_canonical}). The first step of slicing volumes by anatomical plane.
 */
public record NiftiOrientation(Source source, double[][] affine) {
	/** Where the affine came from, as the import report says it. */
	public enum Source {
		SFORM("sform"), QFORM("qform"), PIXDIM("no sform or qform: voxel sizes only"),
		/** Not NIfTI: a DICOM volume's affine from its frames' positions and orientation. */
		DICOM("DICOM positions");

		public final String label;

		Source(String label) {
			this.label = label;
		}
	}

	private static final String[][] LABELS = {{"L", "R"}, {"P", "A"}, {"I", "S"}};

	/**
	 * @param header the first 348 (NIfTI-1) or 540 (NIfTI-2) bytes of the file
	 * @param dims the volume's dim[1..3]
	 */
	public static NiftiOrientation of(byte[] header, long[] dims) {
		ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
		int le = h.getInt(0);
		if (le != 348 && le != 540) h.order(ByteOrder.BIG_ENDIAN);
		boolean v1 = h.getInt(0) == 348;
		double[] pixdim = new double[8];
		for (int i = 0; i < 8; i++) pixdim[i] = v1 ? h.getFloat(76 + 4 * i) : h.getDouble(104 + 8 * i);
		int qformCode = v1 ? h.getShort(252) : h.getInt(344);
		int sformCode = v1 ? h.getShort(254) : h.getInt(348);
		if (sformCode > 0) {
			double[][] a = new double[3][4];
			for (int r = 0; r < 3; r++) {
				for (int c = 0; c < 4; c++) a[r][c] = v1 ? h.getFloat(280 + 16 * r + 4 * c) : h.getDouble(400 + 32 * r + 8 * c);
			}
			return new NiftiOrientation(Source.SFORM, a);
		}
		if (qformCode > 0) {
			double b = v1 ? h.getFloat(256) : h.getDouble(352);
			double c = v1 ? h.getFloat(260) : h.getDouble(360);
			double d = v1 ? h.getFloat(264) : h.getDouble(368);
			double[] offset = new double[3];
			for (int i = 0; i < 3; i++) offset[i] = v1 ? h.getFloat(268 + 4 * i) : h.getDouble(376 + 8 * i);
			return new NiftiOrientation(Source.QFORM, qform(b, c, d, pixdim, offset));
		}
		double[][] a = new double[3][4];
		double[] zoom = {Math.abs(pixdim[1]) > 0 ? Math.abs(pixdim[1]) : 1, Math.abs(pixdim[2]) > 0 ? Math.abs(pixdim[2]) : 1,
				Math.abs(pixdim[3]) > 0 ? Math.abs(pixdim[3]) : 1};
		for (int i = 0; i < 3; i++) {
			double sign = i == 0 ? -1 : 1;
			a[i][i] = sign * zoom[i];
			a[i][3] = -sign * (Math.max(1, dims[i]) - 1) / 2.0 * zoom[i];
		}
		return new NiftiOrientation(Source.PIXDIM, a);
	}

	/** The qform's rotation (a unit quaternion with its first term implied), voxel sizes with qfac's sign on z, offset. */
	static double[][] qform(double b, double c, double d, double[] pixdim, double[] offset) {
		double a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
		double[][] r = {{a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
				{2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
				{2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - b * b - c * c}};
		double qfac = pixdim[0] == -1 ? -1 : 1;
		double[] zoom = {pixdim[1], pixdim[2], pixdim[3] * qfac};
		double[][] out = new double[3][4];
		for (int i = 0; i < 3; i++) {
			for (int j = 0; j < 3; j++) out[i][j] = r[i][j] * zoom[j];
			out[i][3] = offset[i];
		}
		return out;
	}

	/** Per voxel axis {world axis (0 x, 1 y, 2 z), direction +1 or -1}: the closest anatomical axis. */
	public int[][] axes() {
		double[][] rs = new double[3][3];
		for (int j = 0; j < 3; j++) {
			double n = 0;
			for (int i = 0; i < 3; i++) n += affine[i][j] * affine[i][j];
			n = n == 0 ? 1 : Math.sqrt(n);
			for (int i = 0; i < 3; i++) rs[i][j] = affine[i][j] / n;
		}
		double[][] r = nearestRotation(rs);
		int[][] out = new int[3][];
		for (int in = 0; in < 3; in++) {
			int best = 0;
			for (int w = 1; w < 3; w++) if (Math.abs(r[w][in]) > Math.abs(r[best][in])) best = w;
			out[in] = new int[] {best, r[best][in] < 0 ? -1 : 1};
			for (int j = 0; j < 3; j++) r[best][j] = 0; // each world axis is taken once
		}
		return out;
	}

	/** Axis codes as nibabel writes them: the direction each voxel axis runs towards, e.g. "LAS". */
	public String codes() {
		StringBuilder sb = new StringBuilder();
		for (int[] a : axes()) sb.append(LABELS[a[0]][a[1] > 0 ? 1 : 0]);
		return sb.toString();
	}

	/** The largest angle, in degrees, between a voxel axis and the anatomical axis it was given (0: not oblique). */
	public double obliquityDegrees() {
		int[][] ax = axes();
		double worst = 0;
		for (int j = 0; j < 3; j++) {
			double n = 0;
			for (int i = 0; i < 3; i++) n += affine[i][j] * affine[i][j];
			if (n == 0) continue;
			double cos = Math.abs(affine[ax[j][0]][j]) / Math.sqrt(n);
			worst = Math.max(worst, Math.toDegrees(Math.acos(Math.min(1, cos))));
		}
		return worst;
	}

	/** Voxel sizes along the voxel axes (the affine's column lengths). */
	public double[] spacing() {
		double[] s = new double[3];
		for (int j = 0; j < 3; j++) s[j] = Math.sqrt(affine[0][j] * affine[0][j] + affine[1][j] * affine[1][j] + affine[2][j] * affine[2][j]);
		return s;
	}

	/** The canonical (RAS+) dimensions of a volume of these stored dimensions. */
	public long[] canonicalDims(long[] dims) {
		long[] out = new long[3];
		int[][] ax = axes();
		for (int n = 0; n < 3; n++) out[ax[n][0]] = dims[n];
		return out;
	}

	/**
	 * The volume's voxels (x fastest, as stored) permuted and flipped so that axis 0 runs to the
	 * subject's right, 1 to anterior, 2 to superior; no value is interpolated.
	 */
	public float[] toCanonical(float[] voxels, long[] dims) {
		int[][] ax = axes();
		long[] od = canonicalDims(dims);
		float[] out = new float[voxels.length];
		long[] idx = new long[3];
		long[] o = new long[3];
		for (int k = 0; k < dims[2]; k++) {
			for (int j = 0; j < dims[1]; j++) {
				for (int i = 0; i < dims[0]; i++) {
					idx[0] = i;
					idx[1] = j;
					idx[2] = k;
					for (int n = 0; n < 3; n++) o[ax[n][0]] = ax[n][1] > 0 ? idx[n] : dims[n] - 1 - idx[n];
					out[(int) (o[0] + od[0] * (o[1] + od[1] * o[2]))] = voxels[(int) (i + dims[0] * (j + dims[1] * (long) k))];
				}
			}
		}
		return out;
	}

	/** The orthonormal matrix nearest to m (its polar factor, by Newton's iteration X <- (X + X^-T) / 2). */
	static double[][] nearestRotation(double[][] m) {
		double[][] x = new double[3][];
		for (int i = 0; i < 3; i++) x[i] = m[i].clone();
		for (int it = 0; it < 100; it++) {
			double[][] inv = inverse(x);
			if (inv == null) return x; // singular: keep the normalised columns
			double change = 0;
			double[][] next = new double[3][3];
			for (int i = 0; i < 3; i++) {
				for (int j = 0; j < 3; j++) {
					next[i][j] = (x[i][j] + inv[j][i]) / 2;
					change = Math.max(change, Math.abs(next[i][j] - x[i][j]));
				}
			}
			x = next;
			if (change < 1e-12) break;
		}
		return x;
	}

	private static double[][] inverse(double[][] a) {
		double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
				+ a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
		if (Math.abs(det) < 1e-12) return null;
		double[][] r = new double[3][3];
		for (int i = 0; i < 3; i++) {
			for (int j = 0; j < 3; j++) {
				int i1 = (j + 1) % 3, i2 = (j + 2) % 3, j1 = (i + 1) % 3, j2 = (i + 2) % 3;
				r[i][j] = (a[i1][j1] * a[i2][j2] - a[i1][j2] * a[i2][j1]) / det;
			}
		}
		return r;
	}
}
