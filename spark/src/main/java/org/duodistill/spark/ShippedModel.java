package org.duodistill.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

import java.io.Serializable;

/**
 * A model folder added to the job with {@code SparkContext.addFile} under a name unique to its
 * content, the device to run it on, and libtorch's intra-op threads per task (0: the executor's
 * cores divided among the tasks it runs at once, so that local mode does not oversubscribe).
 */
record ShippedModel(String name, String device, int threads) implements Serializable {
	int threadsHere() {
		if (threads > 0) return threads;
		int cores = Runtime.getRuntime().availableProcessors();
		SparkEnv env = SparkEnv.get();
		int slots = env == null ? 1 : concurrentTasks(env.conf(), cores);
		return Math.max(1, cores / slots);
	}

	/** How many tasks one executor runs at once: local[N] runs N, a cluster executor its cores over spark.task.cpus. */
	static int concurrentTasks(SparkConf conf, int cores) {
		String master = conf.get("spark.master", "");
		int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
		if (master.equals("local")) return 1;
		if (master.startsWith("local[")) {
			String n = master.substring(6, master.indexOf(']') < 0 ? master.length() : master.indexOf(']')).split(",")[0].trim();
			return n.equals("*") ? cores : Math.max(1, Integer.parseInt(n));
		}
		return Math.max(1, conf.getInt("spark.executor.cores", cores) / taskCpus);
	}
}
