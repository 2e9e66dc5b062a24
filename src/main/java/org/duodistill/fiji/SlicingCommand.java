package org.duodistill.fiji;

import org.duodistill.data.AnatomicalPlane;
import org.duodistill.data.SlicePolicy;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;

/** The slice options shared by the commands that read datasets of stacks and volumes. */
abstract class SlicingCommand extends ContextCommand {
	static final String STORAGE_AXIS = "storage axis";

	@Parameter(label = "Volumes: cut in the plane", choices = {"axial", "coronal", "sagittal", STORAGE_AXIS},
			description = "By anatomy, from the file's orientation (NIfTI); 'storage axis' cuts along the axis below instead")
	private String plane = "axial";

	@Parameter(label = "Stacks without anatomy (plane = storage axis): slice perpendicular to", choices = {"z", "y", "x"})
	private String slice_axis = "z";

	@Parameter(label = "Volumes and stacks: take every k-th slice", min = "1")
	private int slice_step = 1;

	@Parameter(label = "Volumes and stacks: only the central N slices (0 = all)", min = "0")
	private int central_slices = 0;

	@Parameter(label = "Skip slices with less than this fraction of foreground (0 = keep all)", min = "0", max = "0.99")
	private double skip_empty = 0;

	/** @throws IllegalArgumentException for values out of range, with a message for the user */
	SlicePolicy slicePolicy() {
		if (STORAGE_AXIS.equals(plane)) return new SlicePolicy(SlicePolicy.axisIndex(slice_axis), slice_step, central_slices, skip_empty);
		return new SlicePolicy(AnatomicalPlane.parse(plane), slice_step, central_slices, skip_empty);
	}

	/**
	 * A classifying command's choice of plane: {@code as the model} (null: the model's own) or a
	 * plane by name.
	 */
	static SlicePolicy classificationCut(String choice) {
		if (choice == null || choice.isBlank() || choice.equals(AS_THE_MODEL)) return null;
		return new SlicePolicy(AnatomicalPlane.parse(choice), 1, 0, 0);
	}

	static final String AS_THE_MODEL = "as the model";
}
