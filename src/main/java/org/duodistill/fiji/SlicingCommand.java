package org.duodistill.fiji;

import org.duodistill.data.SlicePolicy;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;

/** The slice options shared by the commands that read datasets of stacks and volumes. */
abstract class SlicingCommand extends ContextCommand {
	@Parameter(label = "Volumes: slice perpendicular to", choices = {"z", "y", "x"})
	private String slice_axis = "z";

	@Parameter(label = "Volumes and stacks: take every k-th slice", min = "1")
	private int slice_step = 1;

	@Parameter(label = "Volumes and stacks: only the central N slices (0 = all)", min = "0")
	private int central_slices = 0;

	@Parameter(label = "Skip slices with less than this fraction of foreground (0 = keep all)", min = "0", max = "0.99")
	private double skip_empty = 0;

	/** @throws IllegalArgumentException for values out of range, with a message for the user */
	SlicePolicy slicePolicy() {
		return new SlicePolicy(SlicePolicy.axisIndex(slice_axis), slice_step, central_slices, skip_empty);
	}
}
