package org.duodistill.data;

import java.util.Locale;

/**
 * The plane a volume is cut in, named by anatomy rather than by how the file stores its voxels,
 * and how each plane is shown (the convention of {@code sample-images/README.md}, that of
 * neurological viewers): axial and coronal with the subject's right on the image right, axial
 * with anterior up, coronal and sagittal with superior up, sagittal with anterior on the image
 * left. Axes are those of the canonical RAS+ frame: 0 runs to the subject's right, 1 to anterior,
 * 2 to superior. Slices are numbered from inferior, posterior or left.
 */
public enum AnatomicalPlane {
	AXIAL("axial", 2, 0, false, 1, true),
	CORONAL("coronal", 1, 0, false, 2, true),
	SAGITTAL("sagittal", 0, 1, true, 2, true);

	public final String id;
	/** The canonical axis the slices are perpendicular to. */
	public final int normal;
	/** The canonical axis along image x (columns), and whether it runs right to left on screen. */
	public final int column;
	public final boolean columnFlipped;
	/** The canonical axis along image y (rows), and whether it runs bottom to top (y points down on screen). */
	public final int row;
	public final boolean rowFlipped;

	AnatomicalPlane(String id, int normal, int column, boolean columnFlipped, int row, boolean rowFlipped) {
		this.id = id;
		this.normal = normal;
		this.column = column;
		this.columnFlipped = columnFlipped;
		this.row = row;
		this.rowFlipped = rowFlipped;
	}

	/**
	 * @throws IllegalArgumentException naming the three planes, for anything else
	 */
	public static AnatomicalPlane parse(String name) {
		String n = name.trim().toLowerCase(Locale.ROOT);
		for (AnatomicalPlane p : values()) if (p.id.equals(n)) return p;
		if (n.equals("transverse") || n.equals("transversal")) return AXIAL;
		if (n.equals("frontal")) return CORONAL;
		throw new IllegalArgumentException("plane must be axial, coronal or sagittal, got '" + name + "'");
	}

	@Override
	public String toString() {
		return id;
	}
}
