package org.duodistill.spark;

import org.apache.hadoop.conf.Configuration;
import org.duodistill.data.ImageReadException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Visits the files of one partition as local files (remote ones copied into a scratch folder one at
 * a time, deleted after use). A file that cannot be fetched or read reaches {@code unreadable}; any
 * other failure on one file becomes its reason too, so one bad file never fails the task (a
 * {@link TaskFailure} is not the file's and does).
 */
final class PartitionFiles {
	/** A failure that is not the file's (the network's pass over a batch): it fails the task, which Spark retries. */
	static final class TaskFailure extends RuntimeException {
		private static final long serialVersionUID = 1L;

		TaskFailure(Exception cause) {
			super(cause.getMessage(), cause);
		}
	}

	interface Visitor {
		void readable(InputFile f, Path local) throws ImageReadException;

		void unreadable(InputFile f, String reason);
	}

	private PartitionFiles() {}

	static void visit(Iterator<InputFile> files, Configuration conf, Visitor v) throws IOException {
		Path scratch = null;
		try {
			while (files.hasNext()) {
				InputFile f = files.next();
				if (!Locations.isLocal(f.location()) && scratch == null) scratch = Files.createTempDirectory("duodistill-spark-");
				Path local;
				if (Locations.isLocal(f.location()) && !Files.exists(Locations.localPath(f.location()))) {
					v.unreadable(f, "file not found");
					continue;
				}
				try {
					local = Locations.readable(f.location(), conf, scratch);
				} catch (IOException | RuntimeException e) {
					v.unreadable(f, "cannot fetch the file (" + e.getMessage() + ")");
					continue;
				}
				try {
					v.readable(f, local);
				} catch (ImageReadException e) {
					v.unreadable(f, e.reason());
				} catch (TaskFailure e) {
					throw e;
				} catch (RuntimeException e) {
					v.unreadable(f, "unexpected error: " + e);
				} finally {
					if (scratch != null && local.startsWith(scratch)) Files.deleteIfExists(local);
				}
			}
		} finally {
			if (scratch != null) deleteTree(scratch);
		}
	}

	private static void deleteTree(Path dir) throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
		}
	}
}
