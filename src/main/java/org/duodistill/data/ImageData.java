package org.duodistill.data;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reader found in one file: a short format description for the import report (e.g.
 * {@code DICOM CT, 16-bit signed}), the file's own dimensions and bit depth (planes may be
 * smaller when a large image was resampled while reading), the planes, and for each plane its
 * 1-based slice number in the file (planes may have been left out by a {@link SlicePolicy}).
 */
public record ImageData(String format, int width, int height, int depth, int bitDepth, List<ImagePlane> planes,
		List<Integer> sliceNumbers) {
	public ImageData {
		planes = List.copyOf(planes);
		sliceNumbers = List.copyOf(sliceNumbers);
		if (planes.size() != sliceNumbers.size()) throw new IllegalArgumentException("one slice number per plane");
	}

	/** Planes numbered 1..n in file order. */
	public ImageData(String format, int width, int height, int depth, int bitDepth, List<ImagePlane> planes) {
		this(format, width, height, depth, bitDepth, planes, numbered(planes.size()));
	}

	/** For readers whose planes are the file's own size. */
	public static ImageData of(String format, List<ImagePlane> planes) {
		ImagePlane first = planes.isEmpty() ? null : planes.get(0);
		return new ImageData(format, first == null ? 0 : first.width(), first == null ? 0 : first.height(), planes.size(),
				first == null ? 0 : first.bitDepth(), planes);
	}

	/** Keeps the planes at these 0-based positions, with their slice numbers. */
	public ImageData keep(List<Integer> positions) {
		List<ImagePlane> p = new ArrayList<>();
		List<Integer> n = new ArrayList<>();
		for (int i : positions) {
			p.add(planes.get(i));
			n.add(sliceNumbers.get(i));
		}
		return new ImageData(format, width, height, depth, bitDepth, p, n);
	}

	private static List<Integer> numbered(int n) {
		List<Integer> l = new ArrayList<>(n);
		for (int i = 1; i <= n; i++) l.add(i);
		return l;
	}
}
