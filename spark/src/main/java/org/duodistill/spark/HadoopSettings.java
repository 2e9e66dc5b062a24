package org.duodistill.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The driver's Hadoop configuration (file system settings, credentials providers, spark.hadoop.*)
 * for the executors, who open remote files with it. Broadcast, as Spark's own file sources do, so
 * that an executor receives and deserialises it once rather than inside every task.
 */
final class HadoopSettings {
	private HadoopSettings() {}

	static Broadcast<SerializableConfiguration> broadcast(JavaSparkContext sc) {
		return sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
	}
}
