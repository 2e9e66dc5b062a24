package org.duodistill.cli;

import org.duodistill.data.SlicePolicy;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which slices of stacks and volumes become training samples: the cut, and which of its slices. */
public final class SliceOptions {
	@Mixin CutOptions cut;

	@Option(names = "--slice-step", paramLabel = "K", defaultValue = "1", description = "stacks and volumes: every K-th slice (default: ${DEFAULT-VALUE})")
	int step = 1;

	@Option(names = "--central-slices", paramLabel = "N", defaultValue = "0", description = "stacks and volumes: only the central N slices (default: 0, all)")
	int central;

	@Option(names = "--skip-empty", paramLabel = "F", defaultValue = "0",
			description = "skip slices with less than this fraction of pixels above 10%% of the file's robust maximum, e.g. 0.15 (default: 0, keep all)")
	double skipEmpty;

	/** The cut given (else axial), with the step, central count and emptiness threshold. */
	SlicePolicy policy() throws UsageException {
		SlicePolicy c = cut.cut();
		if (c == null) c = SlicePolicy.ALL;
		try {
			return new SlicePolicy(c.axis(), c.plane(), step, central, skipEmpty);
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
	}
}
