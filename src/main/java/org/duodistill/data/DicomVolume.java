package org.duodistill.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The frames of a multi-frame DICOM that says where each lies (enhanced MR and CT: an
 * ImagePositionPatient per frame in the Per-frame Functional Groups; ImageOrientationPatient and
 * PixelSpacing shared or per frame) cut as a volume in another plane than the acquired one: frames
 * sorted along the slice normal, the slice spacing from their positions, DICOM's patient frame
 * (LPS) turned into RAS+, then the same canonical cut, display and square pixels as NIfTI volumes.
 * In the acquired plane, or without positions, the stored frames stay the samples, as they were.
 */
final class DicomVolume {
	private static final int IMAGE_POSITION = 0x00200032;
	private static final int IMAGE_ORIENTATION = 0x00200037;
	private static final int PLANE_POSITION = 0x00209113;
	private static final int PLANE_ORIENTATION = 0x00209116;
	private static final int PIXEL_MEASURES = 0x00289110;
	private static final int PIXEL_SPACING = 0x00280030;
	private static final int SHARED_GROUPS = 0x52009229;
	private static final int PER_FRAME_GROUPS = 0x52009230;
	/** Slice gaps may differ from their median by this fraction (rounding in the positions' decimal strings). */
	private static final double GAP_TOLERANCE = 0.05;

	private DicomVolume() {}

	/** Where the frames lie: row, column and slice-normal directions (LPS), row and column spacing (mm), one position per frame. */
	record Geometry(double[] alongRow, double[] alongColumn, double[] normal, double rowSpacing, double columnSpacing, double[][] positions) {}

	/** The stored frames, or the volume cut in {@code plane} when the file places its frames and they were acquired in another plane. */
	static ImageData cut(Path file, DicomDataset ds, ImageData stored, AnatomicalPlane plane) throws ImageReadException {
		int frames = stored.planes().size();
		if (frames < 2) return stored;
		Geometry g = geometry(ds, frames);
		if (g == null) return stored;
		double[] n = g.normal();
		if (acquired(n) == plane) return stored;
		double[] along = new double[frames];
		for (int f = 0; f < frames; f++) along[f] = dot(g.positions()[f], n);
		Integer[] order = IntStream.range(0, frames).boxed().sorted(Comparator.comparingDouble(f -> along[f])).toArray(Integer[]::new);
		double[] gaps = new double[frames - 1];
		for (int k = 1; k < frames; k++) gaps[k - 1] = along[order[k]] - along[order[k - 1]];
		double[] sorted = gaps.clone();
		Arrays.sort(sorted);
		double gap = sorted[sorted.length / 2];
		if (!(sorted[0] > 1e-4)) {
			throw new ImageReadException(file, "cannot cut " + frames + " frames in the " + plane.id + " plane: several frames lie at one position"
					+ " (echoes, phases or time points?); the " + acquired(n).id + " plane they were acquired in reads them as stored");
		}
		for (double d : gaps) {
			if (Math.abs(d - gap) > GAP_TOLERANCE * gap) {
				throw new ImageReadException(file, String.format(java.util.Locale.ROOT, "cannot cut the frames in the %s plane: their"
						+ " spacing along the slice normal is uneven (%.3g to %.3g mm); the %s plane they were acquired in reads them as stored",
						plane.id, sorted[0], sorted[sorted.length - 1], acquired(n).id));
			}
		}
		double[][] affine = new double[3][4];
		for (int i = 0; i < 3; i++) {
			double sign = i < 2 ? -1 : 1; // LPS to RAS
			affine[i][0] = sign * g.alongRow()[i] * g.columnSpacing();
			affine[i][1] = sign * g.alongColumn()[i] * g.rowSpacing();
			affine[i][2] = sign * n[i] * gap;
			affine[i][3] = sign * g.positions()[order[0]][i];
		}
		NiftiOrientation o = new NiftiOrientation(NiftiOrientation.Source.DICOM, affine);
		ImagePlane first = stored.planes().get(0);
		long[] dims = {first.width(), first.height(), frames};
		VoxelLayout layout = VoxelLayout.anatomical(dims, o, plane);
		float[][] slices = new float[frames][];
		for (int k = 0; k < frames; k++) slices[k] = stored.planes().get(order[k]).pixels();
		float[][] cut = layout.cut(slices, first.channels());
		SquarePixels square = SquarePixels.of(layout, o);
		List<ImagePlane> planes = new java.util.ArrayList<>(cut.length);
		for (float[] p : cut) {
			ImagePlane ip = new ImagePlane((int) layout.width(), (int) layout.height(), first.channels(), p, first.bitDepth());
			planes.add(square == null ? ip : square.resample(ip));
		}
		String format = stored.format() + ", acquired " + acquired(n).id + ", "
				+ layout.describe(o, square, " from DICOM positions (" + frames + " frames, " + VoxelLayout.millimetres(gap) + " mm apart)");
		return new ImageData(format, (int) layout.width(), (int) layout.height(), planes.size(), stored.bitDepth(), planes);
	}

	/** The plane whose normal is closest to the slices' normal (LPS and RAS share their axes' order). */
	static AnatomicalPlane acquired(double[] normal) {
		int best = 0;
		for (int i = 1; i < 3; i++) if (Math.abs(normal[i]) > Math.abs(normal[best])) best = i;
		for (AnatomicalPlane p : AnatomicalPlane.values()) if (p.normal == best) return p;
		throw new IllegalStateException();
	}

	/** Null unless every frame has a position and all share one orientation and pixel spacing. */
	static Geometry geometry(DicomDataset ds, int frames) {
		List<DicomDataset> perFrame = ds.items(PER_FRAME_GROUPS);
		List<DicomDataset> shared = ds.items(SHARED_GROUPS);
		DicomDataset sharedGroups = shared.isEmpty() ? null : shared.get(0);
		if (perFrame.size() != frames) return null;
		double[] orientation = null;
		double[] spacing = null;
		double[][] positions = new double[frames][];
		for (int f = 0; f < frames; f++) {
			DicomDataset groups = perFrame.get(f);
			positions[f] = value(groups, PLANE_POSITION, IMAGE_POSITION, 3);
			double[] o = first(value(groups, PLANE_ORIENTATION, IMAGE_ORIENTATION, 6), value(sharedGroups, PLANE_ORIENTATION, IMAGE_ORIENTATION, 6),
					values(ds, IMAGE_ORIENTATION, 6));
			double[] s = first(value(groups, PIXEL_MEASURES, PIXEL_SPACING, 2), value(sharedGroups, PIXEL_MEASURES, PIXEL_SPACING, 2),
					values(ds, PIXEL_SPACING, 2));
			if (positions[f] == null || o == null || s == null) return null;
			if (orientation == null) {
				orientation = o;
				spacing = s;
			} else if (!close(orientation, o, 1e-4) || !close(spacing, s, 1e-4)) {
				return null;
			}
		}
		double[] row = unit(Arrays.copyOfRange(orientation, 0, 3));
		double[] column = unit(Arrays.copyOfRange(orientation, 3, 6));
		double[] normal = DicomReader.sliceNormal(orientation);
		if (row == null || column == null || normal == null || !(spacing[0] > 0) || !(spacing[1] > 0)) return null;
		return new Geometry(row, column, normal, spacing[0], spacing[1], positions);
	}

	private static double[] value(DicomDataset groups, int sequence, int tag, int count) {
		if (groups == null) return null;
		List<DicomDataset> items = groups.items(sequence);
		return items.isEmpty() ? null : values(items.get(0), tag, count);
	}

	private static double[] values(DicomDataset ds, int tag, int count) {
		double[] v = ds.numbers(tag);
		if (v == null || v.length < count) return null;
		for (double d : v) if (!Double.isFinite(d)) return null;
		return Arrays.copyOf(v, count);
	}

	private static double[] first(double[]... options) {
		for (double[] o : options) if (o != null) return o;
		return null;
	}

	private static boolean close(double[] a, double[] b, double tolerance) {
		for (int i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > tolerance) return false;
		return true;
	}

	private static double[] unit(double[] v) {
		double n = Math.sqrt(dot(v, v));
		if (!(n > 1e-6)) return null;
		return new double[] {v[0] / n, v[1] / n, v[2] / n};
	}

	private static double dot(double[] a, double[] b) {
		return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
	}
}
