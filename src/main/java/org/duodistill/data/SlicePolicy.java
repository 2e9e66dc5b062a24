package org.duodistill.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Which planes of a stack or volume become samples: the slicing axis of a volume (0, 1 or 2 =
 * x, y, z; default z), every k-th plane, only the central N, and skipping almost-empty planes
 * (fewer than {@code emptyThreshold} of the pixels above 10% of the file's robust maximum).
 */
public record SlicePolicy(int axis, int step, int central, double emptyThreshold) {
	public static final SlicePolicy ALL = new SlicePolicy(2, 1, 0, 0);

	public SlicePolicy {
		if (axis < 0 || axis > 2) throw new IllegalArgumentException("slicing axis must be 0, 1 or 2 (x, y, z), got " + axis);
		if (step < 1) throw new IllegalArgumentException("slice step must be >= 1, got " + step);
		if (central < 0) throw new IllegalArgumentException("central slice count must be >= 0, got " + central);
		if (emptyThreshold < 0 || emptyThreshold >= 1) throw new IllegalArgumentException("empty-slice threshold must be in [0, 1), got " + emptyThreshold);
	}

	private static final String AXES = "xyz";

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

	/** As recorded in model.json. */
	public com.google.gson.JsonObject toJson() {
		com.google.gson.JsonObject o = new com.google.gson.JsonObject();
		o.addProperty("axis", axisName());
		o.addProperty("step", step);
		o.addProperty("central", central);
		o.addProperty("skip_empty_below", emptyThreshold);
		return o;
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
