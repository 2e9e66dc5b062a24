package org.duodistill.cli;

import org.duodistill.data.AnatomicalPlane;
import org.duodistill.data.SlicePolicy;
import picocli.CommandLine.Option;

/**
 * {@code --plane} or {@code --slice-axis}: what volumes are cut in, by anatomy or by the file's
 * storage axes. Neither given: training cuts axial slices; classify, evaluate, explain and the Spark
 * job cut as the model was trained.
 */
public final class CutOptions {
	@Option(names = "--plane", paramLabel = "axial|coronal|sagittal", completionCandidates = Candidates.Planes.class,
			description = "volumes with an orientation (NIfTI, enhanced DICOM): cut in this anatomical plane (default: axial for train, the model's plane otherwise)")
	String plane;

	@Option(names = "--slice-axis", paramLabel = "x|y|z", completionCandidates = Candidates.Axes.class,
			description = "instead of --plane: cut perpendicular to this storage axis of the file (stacks without anatomy)")
	String axis;

	/** Whether both were given, which {@link #cut} refuses. */
	public boolean both() {
		return plane != null && axis != null;
	}

	/** The plane or axis given, every slice; null when neither is. */
	public SlicePolicy cut() throws UsageException {
		if (plane != null && axis != null) {
			throw new UsageException("give either --plane axial|coronal|sagittal (by anatomy, for volumes with an orientation)"
					+ " or --slice-axis x|y|z (the file's storage axes, for stacks without anatomy), not both");
		}
		try {
			if (plane != null) return new SlicePolicy(AnatomicalPlane.parse(plane), 1, 0, 0);
			if (axis != null) return new SlicePolicy(SlicePolicy.axisIndex(axis), 1, 0, 0);
			return null;
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
	}
}
