package org.duodistill.data;

/**
 * Where each voxel axis of a volume goes in the planes cut from it: across the planes (the axis
 * cut), along image columns or along image rows, and whether it runs backwards there. Built either
 * from storage (no anatomy: the first remaining axis along columns, the second along rows) or from
 * a {@link NiftiOrientation} and an {@link AnatomicalPlane} (the canonical frame and the display
 * convention, in one permutation and set of flips, so voxels are placed once, never copied twice).
 */
record VoxelLayout(long[] dims, Role[] roles, boolean[] flips, AnatomicalPlane plane, boolean single) {
	enum Role {
		PLANE, COLUMN, ROW
	}

	/** Cut along storage axis {@code axis}, nothing flipped. */
	static VoxelLayout storage(long[] dims, int axis) {
		Role[] roles = new Role[3];
		boolean column = true;
		for (int n = 0; n < 3; n++) {
			if (n == axis) {
				roles[n] = Role.PLANE;
			} else {
				roles[n] = column ? Role.COLUMN : Role.ROW;
				column = false;
			}
		}
		return new VoxelLayout(dims.clone(), roles, new boolean[3], null, false);
	}

	/**
	 * Cut in {@code requested}; a volume with a single slice (a stored dimension of 1) is cut in the
	 * plane that slice lies in, whatever was asked.
	 */
	static VoxelLayout anatomical(long[] dims, NiftiOrientation orientation, AnatomicalPlane requested) {
		int[][] axes = orientation.axes();
		int singleAxis = -1;
		for (int n = 2; n >= 0; n--) {
			if (dims[n] != 1) continue;
			if (axes[n][0] == requested.normal) {
				singleAxis = n;
				break;
			}
			if (singleAxis < 0) singleAxis = n;
		}
		AnatomicalPlane plane = requested;
		if (singleAxis >= 0) for (AnatomicalPlane p : AnatomicalPlane.values()) if (p.normal == axes[singleAxis][0]) plane = p;
		boolean single = singleAxis >= 0;
		Role[] roles = new Role[3];
		boolean[] flips = new boolean[3];
		for (int n = 0; n < 3; n++) {
			int world = axes[n][0];
			boolean backwards = axes[n][1] < 0; // towards left, posterior or inferior
			if (world == plane.normal) {
				roles[n] = Role.PLANE;
				flips[n] = backwards;
			} else if (world == plane.column) {
				roles[n] = Role.COLUMN;
				flips[n] = backwards ^ plane.columnFlipped;
			} else {
				roles[n] = Role.ROW;
				flips[n] = backwards ^ plane.rowFlipped;
			}
		}
		return new VoxelLayout(dims.clone(), roles, flips, plane, single);
	}

	Role role(int axis) {
		return roles[axis];
	}

	boolean flipped(int axis) {
		return flips[axis];
	}

	private int axisOf(Role r) {
		for (int n = 0; n < 3; n++) if (roles[n] == r) return n;
		throw new IllegalStateException("no " + r + " axis");
	}

	/** The voxel axis along image columns (x). */
	int columnAxis() {
		return axisOf(Role.COLUMN);
	}

	/** The voxel axis along image rows (y). */
	int rowAxis() {
		return axisOf(Role.ROW);
	}

	long width() {
		return dims[columnAxis()];
	}

	long height() {
		return dims[rowAxis()];
	}

	/** Planes per volume. */
	long along() {
		return dims[axisOf(Role.PLANE)];
	}

	/** Where voxel (x, y, z) of one volume lands: plane index and offset within the plane, as sums over the three indices. */
	record Scatter(int[] toPlane, int[] toOffset, int basePlane, int baseOffset) {
		int plane(int x, int y, int z) {
			return basePlane + x * toPlane[0] + y * toPlane[1] + z * toPlane[2];
		}

		int offset(int x, int y, int z) {
			return baseOffset + x * toOffset[0] + y * toOffset[1] + z * toOffset[2];
		}
	}

	Scatter scatter() {
		int[] toPlane = new int[3];
		int[] toOffset = new int[3];
		int basePlane = 0;
		int baseOffset = 0;
		for (int n = 0; n < 3; n++) {
			int m = roles[n] == Role.PLANE ? 1 : 0;
			int o = roles[n] == Role.COLUMN ? 1 : roles[n] == Role.ROW ? (int) width() : 0;
			int last = (int) dims[n] - 1;
			if (flips[n]) { // index i lands at last - i
				basePlane += m * last;
				baseOffset += o * last;
				m = -m;
				o = -o;
			}
			toPlane[n] = m;
			toOffset[n] = o;
		}
		return new Scatter(toPlane, toOffset, basePlane, baseOffset);
	}

	/**
	 * The planes of a volume given as its stored slices along axis 2 (each x fastest, then y,
	 * channel-major), placed as this layout says.
	 */
	float[][] cut(float[][] slices, int channels) {
		Scatter s = scatter();
		int nx = (int) dims[0];
		int ny = (int) dims[1];
		int stored = nx * ny;
		int planeSize = (int) (width() * height());
		float[][] planes = new float[(int) along()][planeSize * channels];
		for (int z = 0; z < slices.length; z++) {
			float[] src = slices[z];
			for (int y = 0; y < ny; y++) {
				for (int x = 0; x < nx; x++) {
					float[] p = planes[s.plane(x, y, z)];
					int at = s.offset(x, y, z);
					for (int c = 0; c < channels; c++) p[c * planeSize + at] = src[c * stored + y * nx + x];
				}
			}
		}
		return planes;
	}

	/**
	 * "LAS from sform, axial planes 128x96 at 2 x 2 mm", with obliquity and resampling when there
	 * are any: the import report's account of how the planes were made.
	 */
	String describe(NiftiOrientation o, SquarePixels square, String source) {
		StringBuilder s = new StringBuilder(o.codes()).append(source);
		double oblique = o.obliquityDegrees();
		if (oblique >= 0.5) s.append(String.format(java.util.Locale.ROOT, " (oblique by %.1f\u00b0: cut along the closest anatomical axes)", oblique));
		double[] spacing = o.spacing();
		s.append(", ").append(plane.id).append(single ? " slice " : " planes ").append(width()).append('x').append(height()).append(" at ")
				.append(millimetres(spacing[columnAxis()])).append(" x ").append(millimetres(spacing[rowAxis()])).append(" mm");
		if (square != null) {
			s.append(", resampled to ").append(square.width()).append('x').append(square.height()).append(" (square ")
					.append(millimetres(square.spacing())).append(" mm pixels)");
		}
		return s.toString();
	}

	static String millimetres(double v) {
		String t = String.format(java.util.Locale.ROOT, "%.3f", v);
		t = t.replaceAll("0+$", "");
		return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
	}
}
