package org.duodistill.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Which planes of a stack or volume become samples: the anatomical plane a volume is cut in
 * (default axial; readers that know the volume's orientation, NIfTI for one, reorient it first),
 * or, when {@code plane} is null, a storage axis (0, 1 or 2 = x, y, z: the file's own voxel axes,
 * for stacks without anatomy such as microscopy); then every k-th plane, only the central N, and
 * skipping almost-empty planes (fewer than {@code emptyThreshold} of the pixels above 10% of the
 * file's robust maximum).
 */
public record SlicePolicy(int axis, AnatomicalPlane plane, int step, int central, double emptyThreshold) {
	public static final SlicePolicy ALL = new SlicePolicy(2, AnatomicalPlane.AXIAL, 1, 0, 0);
	/** What models made before planes existed used: storage z, every plane. */
	public static final SlicePolicy STORAGE_Z = new SlicePolicy(2, 1, 0, 0);

	public SlicePolicy {
		if (plane != null) axis = plane.normal;
		if (axis < 0 || axis > 2) throw new IllegalArgumentException("slicing axis must be 0, 1 or 2 (x, y, z), got " + axis);
		if (step < 1) throw new IllegalArgumentException("slice step must be >= 1, got " + step);
		if (central < 0) throw new IllegalArgumentException("central slice count must be >= 0, got " + central);
		if (emptyThreshold < 0 || emptyThreshold >= 1) throw new IllegalArgumentException("empty-slice threshold must be in [0, 1), got " + emptyThreshold);
	}

	/** Cut along a storage axis (0, 1, 2 = x, y, z), whatever the anatomy. */
	public SlicePolicy(int axis, int step, int central, double emptyThreshold) {
		this(axis, null, step, central, emptyThreshold);
	}

	/** Cut in an anatomical plane. */
	public SlicePolicy(AnatomicalPlane plane, int step, int central, double emptyThreshold) {
		this(plane.normal, plane, step, central, emptyThreshold);
	}

	private static final String AXES = "xyz";

	/** Whether volumes are cut by anatomy (a plane) rather than along a storage axis. */
	public boolean anatomical() {
		return plane != null;
	}

	/** The same cut, every plane: what classification takes from a model's policy. */
	public SlicePolicy cutOnly() {
		return new SlicePolicy(axis, plane, 1, 0, 0);
	}

	/** The same selection, cut in {@code p}. */
	public SlicePolicy withPlane(AnatomicalPlane p) {
		return new SlicePolicy(p, step, central, emptyThreshold);
	}

	/** The same selection, cut along storage axis {@code a}. */
	public SlicePolicy withStorageAxis(int a) {
		return new SlicePolicy(a, null, step, central, emptyThreshold);
	}

	/** "axial planes" or "storage axis z", as logs and reports say it. */
	public String describeCut() {
		return plane != null ? plane.id + " planes" : "storage axis " + axisName();
	}

	/**
	 * The axis index for {@code x}, {@code y} or {@code z} (any case).
	 *
	 * @throws IllegalArgumentException for anything else
	 */
	public static int axisIndex(String name) {
		String n = name.trim().toLowerCase(java.util.Locale.ROOT);
		int i = n.length() == 1 ? AXES.indexOf(n) : -1;
		if (i < 0) throw new IllegalArgumentException("slicing axis must be x, y or z, got '" + name + "'");
		return i;
	}

	public String axisName() {
		return AXES.substring(axis, axis + 1);
	}

	/** As recorded in model.json: {@code plane} for an anatomical cut, {@code axis} for a storage one. */
	public com.google.gson.JsonObject toJson() {
		com.google.gson.JsonObject o = new com.google.gson.JsonObject();
		if (plane != null) o.addProperty("plane", plane.id);
		else o.addProperty("axis", axisName());
		o.addProperty("step", step);
		o.addProperty("central", central);
		o.addProperty("skip_empty_below", emptyThreshold);
		return o;
	}

	/**
	 * How a model cuts volumes, from its model.json record ({@link #toJson}); a model without one,
	 * or with only an {@code axis} (made before planes existed), keeps cutting along that storage
	 * axis (z when absent), as it did when it was trained.
	 */
	public static SlicePolicy fromJson(com.google.gson.JsonObject o) {
		if (o == null) return STORAGE_Z;
		int step = o.has("step") ? o.get("step").getAsInt() : 1;
		int central = o.has("central") ? o.get("central").getAsInt() : 0;
		double empty = o.has("skip_empty_below") ? o.get("skip_empty_below").getAsDouble() : 0;
		if (o.has("plane")) return new SlicePolicy(AnatomicalPlane.parse(o.get("plane").getAsString()), step, central, empty);
		return new SlicePolicy(o.has("axis") ? axisIndex(o.get("axis").getAsString()) : 2, step, central, empty);
	}

	/** Indices (0-based) of the planes to keep, in order. */
	public List<Integer> select(List<ImagePlane> planes) {
		int n = planes.size();
		int from = 0;
		int to = n;
		if (central > 0 && central < n) {
			from = (n - central) / 2;
			to = from + central;
		}
		float threshold = emptyThreshold > 0 ? robustMax(planes) * 0.1f : Float.NEGATIVE_INFINITY;
		List<Integer> keep = new ArrayList<>();
		for (int i = from; i < to; i += step) {
			if (emptyThreshold > 0 && fractionAbove(planes.get(i), threshold) < emptyThreshold) continue;
			keep.add(i);
		}
		return keep;
	}

	private static float robustMax(List<ImagePlane> planes) {
		// 99.5th percentile of a subsample: a few hot voxels must not make every slice look empty.
		int total = 0;
		for (ImagePlane p : planes) total += p.pixels().length;
		int stride = Math.max(1, total / 200_000);
		float[] sample = new float[total / stride + planes.size()];
		int k = 0;
		int pos = 0;
		for (ImagePlane p : planes) {
			float[] px = p.pixels();
			for (; pos < px.length; pos += stride) sample[k++] = px[pos];
			pos -= px.length;
		}
		float[] s = java.util.Arrays.copyOf(sample, k);
		java.util.Arrays.sort(s);
		return s.length == 0 ? 0 : s[(int) Math.min(s.length - 1, Math.floor(0.995 * (s.length - 1)))];
	}

	private static double fractionAbove(ImagePlane p, float threshold) {
		int above = 0;
		for (float v : p.pixels()) if (v > threshold) above++;
		return (double) above / p.pixels().length;
	}
}
