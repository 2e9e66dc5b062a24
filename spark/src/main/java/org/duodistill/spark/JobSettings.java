package org.duodistill.spark;

import org.apache.spark.sql.SparkSession;
import org.duodistill.cli.UsageException;

/**
 * The options every Spark command shares: device, libtorch threads per task, how finely the files
 * are split into tasks, and the plane or storage axis volumes are cut in (null: the model's).
 */
record JobSettings(String device, int threads, int partitionsOption, int parallelism, String cut) {
	/** Files per task when --partitions is not given: enough tasks to balance, few enough that per-task overhead stays small. */
	static final int FILES_PER_TASK = 64;

	static JobSettings of(SparkSession spark, JobOptions o) throws UsageException {
		o.check();
		return new JobSettings(o.device, o.threads, o.partitions, spark.sparkContext().defaultParallelism(), o.cut());
	}

	/** One task per core at least, at most FILES_PER_TASK files per task, never more tasks than files. */
	int partitions(int files) {
		int n = partitionsOption > 0 ? partitionsOption : Math.max(parallelism, (files + FILES_PER_TASK - 1) / FILES_PER_TASK);
		return Math.max(1, Math.min(n, files));
	}
}
