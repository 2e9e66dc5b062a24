package org.duodistill.data;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reader found in one file: a short format description for the import report (e.g.
 * {@code DICOM CT, 16-bit signed}), the file's own dimensions and bit depth (planes may be
 * smaller when a large image was resampled while reading), the planes, for each plane its 1-based
 * slice number in the file (planes may have been left out by a {@link SlicePolicy}), how the planes
 * fall into stacks (consecutive runs, e.g. the z-planes of each time point or series; the slice
 * policy is applied to each stack on its own) and the name of the reader that read them.
 */
public record ImageData(String format, int width, int height, int depth, int bitDepth, List<ImagePlane> planes,
		List<Integer> sliceNumbers, List<Integer> stacks, String reader) {
	public ImageData {
		planes = List.copyOf(planes);
		sliceNumbers = List.copyOf(sliceNumbers);
		stacks = List.copyOf(stacks);
		if (planes.size() != sliceNumbers.size()) throw new IllegalArgumentException("one slice number per plane");
		int sum = 0;
		for (int s : stacks) {
			if (s < 0) throw new IllegalArgumentException("negative stack size " + s);
			sum += s;
		}
		if (sum != planes.size()) throw new IllegalArgumentException("stack sizes " + stacks + " do not add up to " + planes.size() + " planes");
		if (reader == null) reader = "";
	}

	/** Planes numbered 1..n in file order, one stack. */
	public ImageData(String format, int width, int height, int depth, int bitDepth, List<ImagePlane> planes) {
		this(format, width, height, depth, bitDepth, planes, numbered(planes.size()), List.of(planes.size()), "");
	}

	/** Planes numbered 1..n in file order, in stacks of the given sizes. */
	public ImageData(String format, int width, int height, int depth, int bitDepth, List<ImagePlane> planes, List<Integer> stacks) {
		this(format, width, height, depth, bitDepth, planes, numbered(planes.size()), stacks, "");
	}

	/** For readers whose planes are the file's own size. */
	public static ImageData of(String format, List<ImagePlane> planes) {
		ImagePlane first = planes.isEmpty() ? null : planes.get(0);
		return new ImageData(format, first == null ? 0 : first.width(), first == null ? 0 : first.height(), planes.size(),
				first == null ? 0 : first.bitDepth(), planes);
	}

	/** The same, recorded as read by {@code name}. */
	public ImageData readBy(String name) {
		return new ImageData(format, width, height, depth, bitDepth, planes, sliceNumbers, stacks, name);
	}

	/**
	 * Keeps the planes at these 0-based positions (ascending), with their slice numbers; stacks
	 * shrink to what is kept of them and vanish when nothing is.
	 */
	public ImageData keep(List<Integer> positions) {
		List<ImagePlane> p = new ArrayList<>();
		List<Integer> n = new ArrayList<>();
		int[] kept = new int[stacks.size()];
		for (int i : positions) {
			p.add(planes.get(i));
			n.add(sliceNumbers.get(i));
			kept[stackOf(i)]++;
		}
		List<Integer> s = new ArrayList<>();
		for (int k : kept) if (k > 0) s.add(k);
		return new ImageData(format, width, height, depth, bitDepth, p, n, s, reader);
	}

	private int stackOf(int position) {
		int end = 0;
		for (int s = 0; s < stacks.size(); s++) {
			end += stacks.get(s);
			if (position < end) return s;
		}
		throw new IndexOutOfBoundsException("plane " + position + " of " + planes.size());
	}

	private static List<Integer> numbered(int n) {
		List<Integer> l = new ArrayList<>(n);
		for (int i = 1; i <= n; i++) l.add(i);
		return l;
	}
}
