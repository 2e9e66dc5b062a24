package org.duodistill.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

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
