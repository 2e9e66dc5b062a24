package org.duodistill.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.duodistill.data.Csv;
import org.duodistill.data.DatasetException;
import org.duodistill.data.DatasetLoader;
import org.duodistill.data.SkippedFile;
import org.duodistill.data.Split;
import org.duodistill.infer.FolderClassification;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The files a job reads, listed on the driver. Local folders and files are listed by the core's own
 * rules ({@code classify}'s order, {@code evaluate}'s class folders), so a local job sees exactly the
 * files the single-machine command sees; other file systems, globs and CSV/Parquet lists go through
 * Hadoop's FileSystem with the same rules (hidden names left out, sorted by path).
 */
final class InputListing {
	/** Files to read, and (evaluate) what was set aside while listing them, as "location: reason". */
	record Listing(List<InputFile> files, List<String> setAside) {}

	private final SparkSession spark;
	private final Configuration conf;

	InputListing(SparkSession spark) {
		this.spark = spark;
		this.conf = spark.sparkContext().hadoopConfiguration();
	}

	/** A local input that is not there fails the command before Spark starts (globs and other file systems are looked at later). */
	static void precheck(String input) {
		if (input == null || !Locations.isLocal(input) || Locations.hasGlob(input)) return;
		if (!Files.exists(Locations.localPath(input))) throw new IllegalArgumentException(input + ": input file or folder not found");
	}

	/** {@code classify --input}: a folder, a file, a glob, or a .csv/.parquet list of paths. */
	List<InputFile> unlabelled(String input) throws IOException, DatasetException {
		if (isList(input)) return fromList(input, false).files();
		if (Locations.hasGlob(input)) return numbered(glob(input));
		if (Locations.isLocal(input)) {
			List<InputFile> out = new ArrayList<>();
			// shown as classify shows it, read by its absolute path (executors on a cluster run in other folders)
			for (Path p : FolderClassification.files(Locations.localPath(input))) {
				out.add(new InputFile(out.size(), p.toString(), p.toAbsolutePath().toString(), null, null));
			}
			return out;
		}
		FileSystem fs = Locations.fileSystem(input, conf);
		org.apache.hadoop.fs.Path root = Locations.hadoopPath(input);
		if (!fs.exists(root)) throw new IllegalArgumentException(input + ": input file or folder not found");
		return numbered(fs.getFileStatus(root).isDirectory() ? walk(fs, root, false) : List.of(root.toString()));
	}

	/** {@code evaluate --data}: class folders (optionally under train/val/test), or a .csv/.parquet list {@code path,label[,split]}. */
	Listing labelled(String data) throws IOException, DatasetException {
		if (isList(data) && !(Locations.isLocal(data) && data.toLowerCase(Locale.ROOT).endsWith(".csv"))) return fromList(data, true);
		if (Locations.isLocal(data)) {
			Path source = Locations.localPath(data);
			if (!Files.exists(source)) throw new DatasetException(data + ": data folder or CSV file not found");
			DatasetLoader.Listing l = DatasetLoader.entries(source);
			List<InputFile> out = new ArrayList<>();
			for (DatasetLoader.Entry e : l.entries()) {
				out.add(new InputFile(out.size(), e.file().toString(), e.file().toAbsolutePath().toString(), e.label(), e.split().name()));
			}
			List<String> setAside = new ArrayList<>();
			for (SkippedFile f : l.skipped()) setAside.add(f.file() + ": " + f.reason());
			return new Listing(out, setAside);
		}
		return classFolders(data);
	}

	static boolean isList(String input) {
		String n = input.toLowerCase(Locale.ROOT);
		return (n.endsWith(".csv") || n.endsWith(".parquet")) && !Locations.hasGlob(input);
	}

	private static List<InputFile> numbered(List<String> locations) {
		List<InputFile> out = new ArrayList<>(locations.size());
		for (String l : locations) out.add(InputFile.unlabelled(out.size(), l));
		return out;
	}

	private List<String> glob(String pattern) throws IOException {
		FileSystem fs = Locations.fileSystem(pattern, conf);
		FileStatus[] found = fs.globStatus(Locations.hadoopPath(pattern));
		if (found == null || found.length == 0) throw new IllegalArgumentException(pattern + ": no file matches");
		List<String> out = new ArrayList<>();
		for (FileStatus s : found) {
			if (FolderClassification.hidden(Path.of(s.getPath().getName()))) continue;
			if (s.isDirectory()) out.addAll(walk(fs, s.getPath(), false));
			else out.add(shown(pattern, s.getPath()));
		}
		return out;
	}

	/**
	 * Regular files under {@code root}, sorted, left out as the core leaves them out: for classify
	 * ({@link FolderClassification#hidden}) anything under a dot name; in a class folder
	 * ({@code labelled}) what the dataset loader passes over (hidden names, the .img half of a pair).
	 */
	private static List<String> walk(FileSystem fs, org.apache.hadoop.fs.Path root, boolean labelled) throws IOException {
		List<String> out = new ArrayList<>();
		String prefix = root.toString();
		RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
		while (it.hasNext()) {
			org.apache.hadoop.fs.Path p = it.next().getPath();
			boolean keep;
			if (labelled) {
				org.apache.hadoop.fs.Path parent = p.getParent();
				keep = !DatasetLoader.hiddenName(p.getName()) && !DatasetLoader.hiddenName(parent.getName())
						&& !DatasetLoader.pairData(p.getName(), sibling -> isFile(fs, new org.apache.hadoop.fs.Path(parent, sibling)));
			} else {
				String relative = p.toString().substring(Math.min(prefix.length(), p.toString().length())).replaceFirst("^/+", "");
				keep = relative.isEmpty() || !FolderClassification.hidden(Path.of(relative));
			}
			if (keep) out.add(p.toString());
		}
		out.sort(Comparator.naturalOrder());
		return out;
	}

	private static boolean isFile(FileSystem fs, org.apache.hadoop.fs.Path p) {
		try {
			return fs.isFile(p);
		} catch (IOException e) {
			return false;
		}
	}

	/** Local glob matches are shown as plain paths, as {@code classify} shows them. */
	private static String shown(String pattern, org.apache.hadoop.fs.Path p) {
		return Locations.isLocal(pattern) && !pattern.startsWith("file:") ? p.toUri().getPath() : p.toString();
	}

	/**
	 * A CSV (first column the path, an optional header row starting with {@code path} or {@code file})
	 * or Parquet (a file or Spark's folder of parts; column {@code path} or {@code file}); labelled lists add {@code label} and an
	 * optional {@code split}. Relative paths are relative to the list's folder.
	 */
	private Listing fromList(String list, boolean labels) throws IOException, DatasetException {
		org.apache.hadoop.fs.Path listPath = Locations.hadoopPath(list);
		FileSystem fs = listPath.getFileSystem(conf);
		boolean parquet = list.toLowerCase(Locale.ROOT).endsWith(".parquet");
		// Spark writes Parquet as a folder of parts; a CSV list is one file
		if (parquet ? !fs.exists(listPath) : !fs.isFile(listPath)) throw new DatasetException(list + ": list of files not found");
		List<String[]> rows = parquet ? parquetRows(list, labels) : csvRows(fs, listPath, labels);
		org.apache.hadoop.fs.Path base = listPath.getParent();
		List<InputFile> files = new ArrayList<>();
		for (String[] r : rows) {
			String p = r[0].trim();
			String location = Locations.isLocal(p) && !Path.of(p).isAbsolute() && !p.startsWith("file:") ? relative(list, base, p) : p;
			String split = null;
			if (labels) {
				try {
					split = r.length > 2 && r[2] != null ? Split.parse(r[2]).name() : Split.UNASSIGNED.name();
				} catch (IllegalArgumentException e) {
					throw new DatasetException(list + ": " + e.getMessage() + " (file " + p + ")");
				}
			}
			files.add(new InputFile(files.size(), location, location, labels ? r[1].trim() : null, split));
		}
		if (files.isEmpty()) throw new DatasetException(list + ": lists no files");
		return new Listing(files, List.of());
	}

	private static String relative(String list, org.apache.hadoop.fs.Path base, String p) {
		if (Locations.isLocal(list) && !list.startsWith("file:")) return Locations.localPath(list).toAbsolutePath().getParent().resolve(p).normalize().toString();
		return new org.apache.hadoop.fs.Path(base, p).toString();
	}

	private static List<String[]> csvRows(FileSystem fs, org.apache.hadoop.fs.Path csv, boolean labels) throws IOException, DatasetException {
		List<String[]> rows = new ArrayList<>();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(csv), StandardCharsets.UTF_8))) {
			boolean first = true;
			for (Csv.Line l : Csv.lines(r)) {
				List<String> cols = l.fields();
				String head = cols.get(0).trim().toLowerCase(Locale.ROOT);
				boolean header = first && (head.equals("path") || head.equals("file"));
				first = false;
				if (header) continue;
				if (labels && (cols.size() < 2 || cols.get(1).isBlank())) {
					throw new DatasetException(csv + " line " + l.number() + ": expected path,label[,split], got '" + l.text() + "'");
				}
				rows.add(cols.toArray(new String[0]));
			}
		}
		return rows;
	}

	private List<String[]> parquetRows(String list, boolean labels) throws DatasetException {
		var df = spark.read().parquet(list);
		List<String> columns = Arrays.asList(df.columns());
		String pathColumn = columns.contains("path") ? "path" : columns.contains("file") ? "file" : null;
		if (pathColumn == null || (labels && !columns.contains("label"))) {
			throw new DatasetException(list + ": expected columns " + (labels ? "path (or file), label[, split]" : "path (or file)") + ", found " + columns);
		}
		List<String> wanted = new ArrayList<>(List.of(pathColumn));
		if (labels) {
			wanted.add("label");
			if (columns.contains("split")) wanted.add("split");
		}
		List<String[]> rows = new ArrayList<>();
		for (Row r : df.selectExpr(wanted.stream().map(c -> "CAST(`" + c + "` AS STRING)").toArray(String[]::new)).collectAsList()) {
			if (r.isNullAt(0)) continue;
			String[] v = new String[r.size()];
			for (int i = 0; i < v.length; i++) v[i] = r.isNullAt(i) ? null : r.getString(i);
			if (labels && (v[1] == null || v[1].isBlank())) throw new DatasetException(list + ": file " + v[0] + " has no label");
			rows.add(v);
		}
		return rows;
	}

	/** Class folders on a Hadoop file system, by the rules of the core's dataset loader. */
	private Listing classFolders(String data) throws IOException, DatasetException {
		org.apache.hadoop.fs.Path root = Locations.hadoopPath(data);
		FileSystem fs = root.getFileSystem(conf);
		if (!fs.exists(root)) throw new DatasetException(data + ": data folder or CSV file not found");
		List<FileStatus> children = sorted(fs.listStatus(root));
		boolean splitLayout = children.stream().anyMatch(c -> splitOf(c) != null);
		List<InputFile> files = new ArrayList<>();
		List<String> skipped = new ArrayList<>();
		if (splitLayout) {
			for (Split s : List.of(Split.TRAIN, Split.VAL, Split.TEST)) {
				for (FileStatus c : children) {
					if (splitOf(c) == s) classes(fs, c.getPath(), s, files, skipped);
				}
			}
			for (FileStatus c : children) {
				String name = c.getPath().getName();
				if (DatasetLoader.hiddenName(name) || splitOf(c) != null || (!c.isDirectory() && DatasetLoader.documentationName(name))) continue;
				skipped.add(c.getPath() + ": " + (c.isDirectory() ? DatasetLoader.NOT_A_SPLIT : DatasetLoader.NOT_IN_A_CLASS_FOLDER));
			}
		} else {
			classes(fs, root, Split.UNASSIGNED, files, skipped);
		}
		return new Listing(files, skipped);
	}

	private static void classes(FileSystem fs, org.apache.hadoop.fs.Path dir, Split split, List<InputFile> files, List<String> skipped) throws IOException {
		for (FileStatus c : sorted(fs.listStatus(dir))) {
			String name = c.getPath().getName();
			if (DatasetLoader.hiddenName(name)) continue;
			if (!c.isDirectory()) {
				if (!DatasetLoader.documentationName(name)) skipped.add(c.getPath() + ": " + DatasetLoader.NOT_IN_A_CLASS_FOLDER);
				continue;
			}
			for (String f : walk(fs, c.getPath(), true)) files.add(new InputFile(files.size(), f, f, name, split.name()));
		}
	}

	private static List<FileStatus> sorted(FileStatus[] s) {
		List<FileStatus> l = new ArrayList<>(Arrays.asList(s));
		l.sort(Comparator.comparing(f -> f.getPath().getName()));
		return l;
	}

	/** The split a visible folder holds, as the dataset loader reads it; null for anything else. */
	private static Split splitOf(FileStatus c) {
		String name = c.getPath().getName();
		return c.isDirectory() && !DatasetLoader.hiddenName(name) ? DatasetLoader.splitOfFolderName(name) : null;
	}
}
