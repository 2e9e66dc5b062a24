package org.duodistill.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;

/** An output on any Hadoop file system: never replaced unless asked, never half written. */
final class OutputLocation {
	private OutputLocation() {}

	/**
	 * Refuses an existing output without {@code overwrite}, except an empty folder (what an
	 * interrupted earlier job leaves), which is removed so Spark can write.
	 */
	static void checkWritable(String location, boolean overwrite, Configuration conf) throws IOException {
		Path p = new Path(location);
		FileSystem fs = p.getFileSystem(conf);
		if (!fs.exists(p) || overwrite) return;
		FileStatus s = fs.getFileStatus(p);
		if (s.isDirectory() && fs.listStatus(p).length == 0) {
			fs.delete(p, false);
			return;
		}
		throw new FileAlreadyExistsException(location + " exists; choose another --output or pass --overwrite");
	}

	/** What --overwrite replaces: removed before the job writes, as Spark's own overwrite mode does. */
	static void delete(String location, Configuration conf) throws IOException {
		Path p = new Path(location);
		FileSystem fs = p.getFileSystem(conf);
		if (fs.exists(p) && !fs.delete(p, true)) throw new IOException(location + ": cannot remove the existing output");
	}

	/**
	 * After a failed write: waits for the job's remaining tasks (a failed job's running tasks finish
	 * after it, and may create the committer's temporary folder again), then removes the output
	 * folder if it holds nothing but the committer's leftovers, so the next run starts clean.
	 * Anything that looks like data or a {@code _SUCCESS} marker is left alone.
	 */
	static void removeFailedOutput(SparkContext sc, String location, Configuration conf) {
		long deadline = System.nanoTime() + 60_000_000_000L;
		while (busy(sc) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(50);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		try {
			Path p = new Path(location);
			FileSystem fs = p.getFileSystem(conf);
			if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) return;
			for (FileStatus f : fs.listStatus(p)) {
				String n = f.getPath().getName();
				if (!n.equals("_temporary") && !n.startsWith(".")) return;
			}
			fs.delete(p, true);
		} catch (IOException e) {
			// the failure being reported matters more than the leftovers; the next run names them
		}
	}

	/** A stage still running, or a task still running after its stage was cancelled (tasks finish their current step first). */
	private static boolean busy(SparkContext sc) {
		if (sc.statusTracker().getActiveStageIds().length > 0) return true;
		for (var e : sc.statusTracker().getExecutorInfos()) if (e.numRunningTasks() > 0) return true;
		return false;
	}

	/** Small text (the metrics) written beside the target under a temporary name, then renamed over it. */
	static void writeText(String location, String text, Configuration conf) throws IOException {
		Path target = new Path(location);
		FileSystem fs = target.getFileSystem(conf);
		Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
		try (OutputStream out = fs.create(tmp, true)) {
			out.write(text.getBytes(StandardCharsets.UTF_8));
		}
		if (fs.exists(target) && !fs.delete(target, false)) throw new IOException(location + ": cannot replace the existing file");
		if (!fs.rename(tmp, target)) throw new IOException(location + ": cannot rename " + tmp + " into place");
	}
}
