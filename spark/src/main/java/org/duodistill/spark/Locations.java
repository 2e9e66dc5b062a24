package org.duodistill.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Local paths and Hadoop file system URIs. Local files (no scheme, or {@code file:}) are read where
 * they are, through the same code as the single-machine commands; anything else (hdfs://, s3a://,
 * abfs://, ...) goes through Hadoop's FileSystem, and files are copied to a local temporary folder
 * for the readers, which need random access to a local file.
 */
final class Locations {
	private Locations() {}

	static boolean isLocal(String location) {
		int colon = location.indexOf(':');
		// "C:\..." is a Windows drive, not a scheme
		if (colon <= 1) return true;
		String scheme = location.substring(0, colon).toLowerCase(Locale.ROOT);
		return scheme.equals("file") || !scheme.matches("[a-z][a-z0-9+.-]*");
	}

	static Path localPath(String location) {
		return location.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(location)) : Path.of(location);
	}

	static boolean hasGlob(String location) {
		return location.indexOf('*') >= 0 || location.indexOf('?') >= 0 || location.indexOf('[') >= 0 || location.indexOf('{') >= 0;
	}

	static org.apache.hadoop.fs.Path hadoopPath(String location) {
		return new org.apache.hadoop.fs.Path(location);
	}

	static FileSystem fileSystem(String location, Configuration conf) throws IOException {
		return hadoopPath(location).getFileSystem(conf);
	}

	/** A local file to read: the file itself when local, else a copy under {@code scratch} (same name, so readers see its extension). */
	static Path readable(String location, Configuration conf, Path scratch) throws IOException {
		if (isLocal(location)) return localPath(location);
		org.apache.hadoop.fs.Path p = hadoopPath(location);
		Path copy = scratch.resolve(p.getName().isEmpty() ? "file" : p.getName());
		try (InputStream in = p.getFileSystem(conf).open(p)) {
			Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
		}
		return copy;
	}
}
