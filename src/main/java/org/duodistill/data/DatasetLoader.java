package org.duodistill.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Finds labelled images (class folders, optionally under train/val/test, or a CSV
 * {@code path,label[,split]}), decodes every plane once and caches it at the model's input size.
 * Files that cannot be used are skipped and listed, never fatal.
 */
public final class DatasetLoader {
	private static final List<Split> SPLITS = List.of(Split.TRAIN, Split.VAL, Split.TEST);

	private final ImageReaders readers;
	private final int size;
	private final Consumer<String> progress;
	private ReadProgress readProgress;

	/** Called after each file of a dataset is read (used or skipped), with the count so far and the total. */
	public interface ReadProgress {
		void read(int done, int total);
	}
	private ReadOptions options = ReadOptions.DEFAULT;
	private long memoryBudget = Runtime.getRuntime().maxMemory() / 3;
	private Path cacheDirectory = Path.of(System.getProperty("java.io.tmpdir"));
	private int workers = OrderedWork.defaultWorkers();

	/**
	 * Decoded samples beyond {@code bytes} of memory go to a temporary file in {@code directory}
	 * (default: a third of the Java heap, in the system's temporary folder).
	 */
	public DatasetLoader withMemoryBudget(long bytes, Path directory) {
		this.memoryBudget = bytes;
		this.cacheDirectory = directory;
		return this;
	}

	/** Threads decoding files (default: one per processor; 0: the calling thread alone). */
	public DatasetLoader withReadingThreads(int threads) {
		if (threads < 0) throw new IllegalArgumentException("reading threads must be >= 0, got " + threads);
		this.workers = threads;
		return this;
	}

	/** Reports each file read; without it, a message every 100 files. */
	public DatasetLoader withReadProgress(ReadProgress p) {
		this.readProgress = p;
		return this;
	}

	/** Which slices of stacks and volumes to take (default: all). */
	public DatasetLoader withSlicePolicy(SlicePolicy policy) {
		this.options = new ReadOptions(policy, size);
		return this;
	}

	public DatasetLoader(ImageReaders readers, int size, Consumer<String> progress) {
		if (size < Preprocessing.MIN_SIZE || size > Preprocessing.MAX_SIZE) {
			throw new IllegalArgumentException("input size (--size) must be " + Preprocessing.MIN_SIZE + ".." + Preprocessing.MAX_SIZE + ", got " + size);
		}
		this.readers = readers;
		this.size = size;
		this.progress = progress == null ? s -> {} : progress;
		this.options = ReadOptions.DEFAULT.withTargetSize(size);
	}

	/** Why a folder beside train/val/test is passed over, in the import report. */
	public static final String NOT_A_SPLIT = "folder beside the train/val/test folders is not a split; its files were not used";
	/** Why a file outside the class folders is passed over, in the import report. */
	public static final String NOT_IN_A_CLASS_FOLDER = "not inside a class folder";

	/** One file to read with its label (null for unlabelled) and split. */
	public record Entry(Path file, String label, Split split) {}

	/** The files a data folder or CSV names, in reading order, and what was set aside while listing them. */
	public record Listing(List<Entry> entries, List<SkippedFile> skipped) {}

	/**
	 * Lists the labelled files of a folder (class folders, optionally under train/val/test) or a CSV
	 * {@code path,label[,split]} without reading them: the files {@link #load} reads, in its order.
	 */
	public static Listing entries(Path source) throws DatasetException {
		List<SkippedFile> skipped = new ArrayList<>();
		List<Entry> entries = Files.isDirectory(source) ? scanFolder(source, skipped) : scanCsv(source, skipped);
		return new Listing(entries, skipped);
	}

	/**
	 * The data fingerprint model.json records: the files used (path relative to the data folder, or
	 * to the CSV's folder), their sizes and labels, in reading order.
	 */
	public static String fingerprint(Path source, List<Entry> used) {
		MessageDigest digest = sha256();
		Path base = base(source);
		for (Entry e : used) {
			digest.update((base.relativize(e.file().toAbsolutePath()) + "|" + sizeOf(e.file()) + "|" + e.label() + "\n").getBytes(StandardCharsets.UTF_8));
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * @param requireLabels training and evaluation need at least two classes with two usable images each
	 * @throws DatasetException when the data cannot be used as a whole
	 */
	public Dataset load(Path source, boolean requireLabels) throws DatasetException {
		Listing listing = entries(source);
		List<SkippedFile> skipped = listing.skipped();
		List<Entry> entries = listing.entries();
		TreeSet<String> names = new TreeSet<>();
		for (Entry e : entries) names.add(e.label());
		List<String> classes = new ArrayList<>(names);
		if (requireLabels && classes.size() < 2) {
			throw new DatasetException(source + ": found " + classes.size() + " class" + (classes.size() == 1 ? " (" + classes.get(0) + ")" : "es")
					+ "; training needs at least 2 (one sub-folder per class, or a CSV path,label)");
		}
		Map<String, Integer> index = new LinkedHashMap<>();
		for (int i = 0; i < classes.size(); i++) index.put(classes.get(i), i);
		List<Sample> samples = new ArrayList<>();
		List<ImportRecord> report = new ArrayList<>();
		for (SkippedFile s : skipped) report.add(ImportRecord.skipped(s.file(), null, null, s.reason()));
		List<Entry> used = new ArrayList<>();
		int[] done = {0};
		long[] inMemory = {0};
		DiskCache[] disk = {null};
		if (readProgress != null) readProgress.read(0, entries.size());
		// files decoded and scaled on reading threads; cached, reported and counted here, in listing order
		try {
			OrderedWork.run(entries, workers, 2 * workers + 2, e -> read(e), (k, e, r) -> {
				if (r instanceof Read ok) {
					ImageData data = ok.data();
					for (int i = 0; i < data.planes().size(); i++) {
						float[] scaled = ok.scaled()[i];
						CachedPixels pixels;
						if (inMemory[0] + scaled.length * 4L <= memoryBudget) {
							pixels = CachedPixels.inMemory(scaled);
							inMemory[0] += scaled.length * 4L;
						} else {
							if (disk[0] == null) {
								disk[0] = openCache();
								progress.accept("decoded images exceed " + (memoryBudget >> 20) + " MB; caching the rest in " + disk[0].file());
							}
							pixels = store(disk[0], scaled);
						}
						samples.add(new Sample(e.file(), data.sliceNumbers().get(i), index.get(e.label()), e.split(), pixels, data.planes().get(i).channels()));
					}
					report.add(ImportRecord.used(e.file(), e.label(), e.split(), data));
					used.add(e);
				} else {
					report.add(ImportRecord.skipped(e.file(), e.label(), e.split(), (String) r));
				}
				done[0]++;
				if (readProgress != null) readProgress.read(done[0], entries.size());
				else if (done[0] % 100 == 0) progress.accept("read " + done[0] + "/" + entries.size() + " files");
				return true;
			});
		} catch (DatasetException | RuntimeException ex) {
			throw ex;
		} catch (Exception ex) {
			if (ex instanceof InterruptedException) Thread.currentThread().interrupt();
			throw new DatasetException(source + ": reading was interrupted (" + ex + ")");
		}
		Dataset ds = new Dataset(classes, samples, fingerprint(source, used), report);
		if (requireLabels) checkUsable(source, ds);
		return ds;
	}

	/** A file decoded, with each plane resized and scaled; the planes themselves are not kept. */
	private record Read(ImageData data, float[][] scaled) {}

	/** On a reading thread: the decoded, scaled planes of one file, or why it cannot be used. */
	private Object read(Entry e) {
		try {
			ImageData data = readers.readData(e.file(), options);
			float[][] scaled = new float[data.planes().size()][];
			for (int i = 0; i < scaled.length; i++) {
				scaled[i] = Preprocessing.scaled(data.planes().get(i), size, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH);
			}
			return new Read(data, scaled);
		} catch (ImageReadException ex) {
			return ex.reason();
		} catch (RuntimeException | OutOfMemoryError ex) {
			return "unexpected decoder error: " + ex;
		}
	}

	private DiskCache openCache() throws DatasetException {
		try {
			return new DiskCache(cacheDirectory);
		} catch (java.io.IOException ex) {
			throw new DatasetException("cannot create the disk cache in " + cacheDirectory + " (" + ex.getMessage() + ")");
		}
	}

	private static CachedPixels store(DiskCache disk, float[] scaled) throws DatasetException {
		try {
			return disk.store(scaled);
		} catch (java.io.IOException ex) {
			throw new DatasetException("cannot write the disk cache " + disk.file() + " (" + ex.getMessage() + "); is the disk full?");
		}
	}

	private static void checkUsable(Path source, Dataset ds) throws DatasetException {
		int[] counts = ds.countsPerClass(ds.samples());
		List<String> thin = new ArrayList<>();
		for (int c = 0; c < counts.length; c++) {
			if (counts[c] < 2) thin.add(ds.classes().get(c) + " (" + counts[c] + ")");
		}
		if (!thin.isEmpty()) {
			throw new DatasetException(source + ": every class needs at least 2 usable images; too few in " + String.join(", ", thin)
					+ (ds.skipped().isEmpty() ? "" : "; " + ds.skipped().size() + " file(s) were skipped as unreadable"));
		}
	}

	private static Path base(Path source) {
		Path abs = source.toAbsolutePath();
		return Files.isDirectory(abs) ? abs : abs.getParent();
	}

	private static long sizeOf(Path f) {
		try {
			return Files.size(f);
		} catch (IOException e) {
			return -1;
		}
	}

	private static List<Entry> scanFolder(Path root, List<SkippedFile> skipped) throws DatasetException {
		List<Entry> entries = new ArrayList<>();
		List<Path> children = list(root);
		boolean splitLayout = false;
		for (Path c : children) splitLayout |= !hidden(c) && splitFolder(c) != null;
		if (splitLayout) {
			// Every spelling Split.parse knows (train/training, val/valid/validation, test/testing), in split order.
			for (Split s : SPLITS) {
				for (Path c : children) {
					if (!hidden(c) && splitFolder(c) == s) scanClassFolders(c, s, entries, skipped);
				}
			}
			for (Path c : children) {
				if (hidden(c) || splitFolder(c) != null) continue;
				if (Files.isDirectory(c)) {
					skipped.add(new SkippedFile(c, NOT_A_SPLIT));
				} else if (!documentation(c)) {
					skipped.add(new SkippedFile(c, NOT_IN_A_CLASS_FOLDER));
				}
			}
		} else {
			scanClassFolders(root, Split.UNASSIGNED, entries, skipped);
		}
		return entries;
	}

	/** The split a folder directly under the data folder stands for, or null when it is not a split folder. */
	private static Split splitFolder(Path p) {
		return Files.isDirectory(p) ? splitOfFolderName(p.getFileName().toString()) : null;
	}

	/** The split a folder of this name holds (train/training, val/valid/validation, test/testing), else null. */
	public static Split splitOfFolderName(String name) {
		try {
			Split s = Split.parse(name);
			return s == Split.UNASSIGNED ? null : s;
		} catch (IllegalArgumentException e) {
			return null;
		}
	}

	private static void scanClassFolders(Path dir, Split split, List<Entry> entries, List<SkippedFile> skipped) throws DatasetException {
		for (Path child : list(dir)) {
			if (hidden(child)) continue;
			if (Files.isDirectory(child)) {
				String label = child.getFileName().toString();
				for (Path f : walk(child)) entries.add(new Entry(f, label, split));
			} else if (!documentation(child)) {
				skipped.add(new SkippedFile(child, NOT_IN_A_CLASS_FOLDER));
			}
		}
	}

	private static List<Path> list(Path dir) throws DatasetException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.sorted().toList();
		} catch (IOException e) {
			throw new DatasetException(dir + ": cannot list folder (" + e.getMessage() + ")");
		}
	}

	private static List<Path> walk(Path dir) throws DatasetException {
		try {
			return FolderWalk.regularFiles(dir).stream().filter(p -> !hidden(p) && !hidden(p.getParent()) && !pairData(p)).sorted().toList();
		} catch (IOException e) {
			throw new DatasetException(dir + ": cannot list folder (" + e.getMessage() + ")");
		}
	}

	/** READMEs, licences and lists beside the class folders are expected, not data to report. */
	private static boolean documentation(Path p) {
		return documentationName(p.getFileName().toString());
	}

	/** See {@link #documentation(Path)}; by name, for listings of other file systems. */
	public static boolean documentationName(String name) {
		String n = name.toLowerCase(Locale.ROOT);
		return n.startsWith("readme") || n.startsWith("license") || n.startsWith("licence") || n.endsWith(".md") || n.endsWith(".txt")
				|| n.endsWith(".csv") || n.endsWith(".json");
	}

	/** The .img half of a NIfTI/Analyze .hdr/.img pair is read through its .hdr; it is not a second image. */
	static boolean pairData(Path p) {
		return pairData(p.getFileName().toString(), sibling -> Files.isRegularFile(p.resolveSibling(sibling)));
	}

	/** See {@link #pairData(Path)}; by name, {@code siblingIsFile} answering for a name in the same folder. */
	public static boolean pairData(String n, Predicate<String> siblingIsFile) {
		String lower = n.toLowerCase(Locale.ROOT);
		int cut = lower.endsWith(".img") ? 4 : lower.endsWith(".img.gz") ? 7 : -1;
		if (cut < 0) return false;
		String stem = n.substring(0, n.length() - cut);
		for (String ext : List.of(".hdr", ".hdr.gz", ".HDR", ".HDR.GZ")) {
			if (siblingIsFile.test(stem + ext)) return true;
		}
		return false;
	}

	private static boolean hidden(Path p) {
		return hiddenName(p.getFileName() == null ? "" : p.getFileName().toString());
	}

	/** Names the loader passes over without a word: dot files and folders, Thumbs.db, desktop.ini. */
	public static boolean hiddenName(String n) {
		return n.startsWith(".") || n.equals("Thumbs.db") || n.equals("desktop.ini");
	}

	private static List<Entry> scanCsv(Path csv, List<SkippedFile> skipped) throws DatasetException {
		if (!Files.isRegularFile(csv)) throw new DatasetException(csv + ": data folder or CSV file not found");
		List<Entry> entries = new ArrayList<>();
		Path base = csv.toAbsolutePath().getParent();
		try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
			boolean firstRow = true;
			for (Csv.Line l : Csv.lines(r)) {
				List<String> cols = l.fields();
				int lineNo = l.number();
				String line = l.text();
				boolean header = firstRow && cols.get(0).trim().equalsIgnoreCase("path");
				firstRow = false;
				if (header) continue;
				if (cols.size() < 2 || cols.get(1).isBlank()) {
					throw new DatasetException(csv + " line " + lineNo + ": expected path,label[,split], got '" + line + "'");
				}
				Path file = base.resolve(cols.get(0).trim()).normalize();
				Split split;
				try {
					split = cols.size() > 2 ? Split.parse(cols.get(2)) : Split.UNASSIGNED;
				} catch (IllegalArgumentException e) {
					throw new DatasetException(csv + " line " + lineNo + ": " + e.getMessage());
				}
				if (!Files.isRegularFile(file)) {
					skipped.add(new SkippedFile(file, "file not found (listed in " + csv.getFileName() + " line " + lineNo + ")"));
					continue;
				}
				entries.add(new Entry(file, cols.get(1).trim(), split));
			}
		} catch (IOException e) {
			throw new DatasetException(csv + ": cannot read CSV (" + e.getMessage() + ")");
		}
		if (entries.isEmpty() && skipped.isEmpty()) throw new DatasetException(csv + ": CSV lists no images");
		return entries;
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** Lower-case extension without the dot, "" when none. */
	static String extension(Path p) {
		String n = p.getFileName().toString();
		int i = n.lastIndexOf('.');
		return i < 0 ? "" : n.substring(i + 1).toLowerCase(Locale.ROOT);
	}
}
