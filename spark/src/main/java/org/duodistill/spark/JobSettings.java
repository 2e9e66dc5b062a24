package org.duodistill.spark;

import org.apache.spark.sql.SparkSession;
import org.duodistill.cli.Args;
import org.duodistill.cli.UsageException;

/**
 * The options every Spark command shares: device, libtorch threads per task, how finely the files
 * are split into tasks, and the plane or storage axis volumes are cut in (null: the model's).
 */
record JobSettings(String device, int threads, int partitionsOption, int parallelism, String cut) {
	/** Files per task when --partitions is not given: enough tasks to balance, few enough that per-task overhead stays small. */
	static final int FILES_PER_TASK = 64;

	static JobSettings of(SparkSession spark, Args a) throws UsageException {
		String device = a.get("device", "auto");
		if (!device.equals("auto") && !device.equals("cpu") && !device.equals("gpu")) {
			throw new UsageException("--device must be auto, cpu or gpu, got '" + device + "'");
		}
		int threads = a.integer("threads", 0);
		if (threads < 0) throw new UsageException("--threads must be >= 0");
		int partitions = a.integer("partitions", 0);
		if (partitions < 0) throw new UsageException("--partitions must be >= 0");
		return new JobSettings(device, threads, partitions, spark.sparkContext().defaultParallelism(), cut(a));
	}

	/** --plane axial|coronal|sagittal or --slice-axis x|y|z, checked here so a typo fails before Spark runs anything. */
	static String cut(Args a) throws UsageException {
		if (a.has("plane") && a.has("slice-axis")) throw new UsageException("give either --plane or --slice-axis, not both");
		try {
			if (a.has("plane")) return org.duodistill.data.AnatomicalPlane.parse(a.get("plane", "")).id;
			if (a.has("slice-axis")) return "xyz".substring(org.duodistill.data.SlicePolicy.axisIndex(a.get("slice-axis", "")),
					org.duodistill.data.SlicePolicy.axisIndex(a.get("slice-axis", "")) + 1);
			return null;
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
	}

	/** One task per core at least, at most FILES_PER_TASK files per task, never more tasks than files. */
	int partitions(int files) {
		int n = partitionsOption > 0 ? partitionsOption : Math.max(parallelism, (files + FILES_PER_TASK - 1) / FILES_PER_TASK);
		return Math.max(1, Math.min(n, files));
	}
}
