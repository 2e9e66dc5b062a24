package org.duodistill.spark;

import org.duodistill.cli.CutOptions;
import org.duodistill.cli.UsageException;
import org.duodistill.data.SlicePolicy;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every Spark command shares: where Spark runs, the device, libtorch threads per task, how finely the files are split. */
final class JobOptions {
	@Option(names = "--master", paramLabel = "local[*]|URL", description = "Spark's master (default: what spark-submit says, else local[*]: every core of this machine)")
	String master;

	@Option(names = "--device", paramLabel = "auto|cpu|gpu", defaultValue = "auto", description = "where each executor runs the model (default: ${DEFAULT-VALUE})")
	String device = "auto";

	@Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "libtorch threads per task (default: 0, the executor's cores per task)")
	int threads;

	@Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
			description = "tasks to split the files into (default: 0, one per core at least, at most " + JobSettings.FILES_PER_TASK + " files each)")
	int partitions;

	@Mixin CutOptions cut;

	/** The plane's name or the storage axis's letter volumes are cut in, as the executors take it; null: the model's. */
	String cut() throws UsageException {
		if (cut.both()) throw new UsageException("give either --plane or --slice-axis, not both");
		SlicePolicy p = cut.cut();
		if (p == null) return null;
		return p.plane() != null ? p.plane().id : "xyz".substring(p.axis(), p.axis() + 1);
	}

	/** What can be checked without Spark; a typo in the cut too, before Spark runs anything. */
	void check() throws UsageException {
		cut();
		if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
			throw new UsageException("--device must be auto, cpu or gpu, got '" + device + "'");
		}
		if (threads < 0) throw new UsageException("--threads must be >= 0");
		if (partitions < 0) throw new UsageException("--partitions must be >= 0");
	}
}
