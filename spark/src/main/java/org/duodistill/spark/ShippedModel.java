package org.duodistill.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

import java.io.Serializable;

/**
 * A model folder added to the job with {@code SparkContext.addFile} under a name unique to its
 * content, the device to run it on, and libtorch's intra-op threads per task (0: as many as the
 * task's share of CPUs, so that concurrent tasks do not oversubscribe the machine), and the plane
 * ({@code axial}, {@code coronal}, {@code sagittal}) or storage axis ({@code x}, {@code y},
 * {@code z}) volumes are cut in; null: the model's own.
 */
record ShippedModel(String name, String device, int threads, String cut) implements Serializable {
	/** The cut as the classifier takes it (null: the model's). */
	org.duodistill.data.SlicePolicy slicing() {
		if (cut == null) return null;
		if (cut.length() == 1) return new org.duodistill.data.SlicePolicy(org.duodistill.data.SlicePolicy.axisIndex(cut), 1, 0, 0);
		return new org.duodistill.data.SlicePolicy(org.duodistill.data.AnatomicalPlane.parse(cut), 1, 0, 0);
	}

	/** Loaded once per executor for each model and cut. */
	String key() {
		return cut == null ? name : name + "@" + cut;
	}

	int threadsHere() {
		if (threads > 0) return threads;
		SparkEnv env = SparkEnv.get();
		return env == null ? 1 : threadsPerTask(env.conf(), Runtime.getRuntime().availableProcessors());
	}

	/**
	 * local[N] runs N tasks on this machine's cores, so each gets cores / N; on a cluster Spark gives a
	 * task spark.task.cpus of its executor's cores (an executor process often sees every core of its
	 * host, so its core count says nothing about its share).
	 */
	static int threadsPerTask(SparkConf conf, int cores) {
		String master = conf.get("spark.master", "");
		if (master.equals("local")) return cores;
		if (master.startsWith("local[")) {
			String n = master.substring(6, master.indexOf(']') < 0 ? master.length() : master.indexOf(']')).split(",")[0].trim();
			int tasks = n.equals("*") ? cores : Math.max(1, Integer.parseInt(n));
			return Math.max(1, cores / tasks);
		}
		return Math.max(1, conf.getInt("spark.task.cpus", 1));
	}
}
