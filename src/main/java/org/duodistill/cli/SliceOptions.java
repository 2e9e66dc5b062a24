package org.duodistill.cli;

import org.duodistill.data.SlicePolicy;
import picocli.CommandLine.Option;

/** Which slices of stacks and volumes become samples. */
public final class SliceOptions {
	@Option(names = "--slice-axis", paramLabel = "x|y|z", defaultValue = "z", description = "volumes (NIfTI): slice perpendicular to this axis (default: ${DEFAULT-VALUE})")
	String axis = "z";

	@Option(names = "--slice-step", paramLabel = "K", defaultValue = "1", description = "stacks and volumes: every K-th slice (default: ${DEFAULT-VALUE})")
	int step = 1;

	@Option(names = "--central-slices", paramLabel = "N", defaultValue = "0", description = "stacks and volumes: only the central N slices (default: 0, all)")
	int central;

	@Option(names = "--skip-empty", paramLabel = "F", defaultValue = "0",
			description = "skip slices with less than this fraction of pixels above 10%% of the file's robust maximum, e.g. 0.15 (default: 0, keep all)")
	double skipEmpty;

	SlicePolicy policy() throws UsageException {
		try {
			return new SlicePolicy(SlicePolicy.axisIndex(axis), step, central, skipEmpty);
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
	}
}
