package org.duodistill.infer;

import org.duodistill.data.DicomReader;
import org.duodistill.data.ImageReadException;
import org.duodistill.data.SkippedFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Classifies a file or every file under a folder (one prediction per image or slice). Unreadable
 * files are skipped and listed, never fatal. Shared by {@code classify} and Classify Folder.
 */
public final class FolderClassification {
	public record Result(List<Prediction> predictions, List<SkippedFile> skipped, boolean cancelled) {}

	/** Called before each file with its 1-based position and the total. */
	public interface Progress {
		void file(int index, int total, Path file);
	}

	private FolderClassification() {}

	/**
	 * Regular files under {@code input} (or the file itself), hidden files and folders left out,
	 * sorted by name, except that the DICOM files of each folder come in series order (instance
	 * number, then position along the slice normal), so rows follow the anatomy.
	 */
	public static List<Path> files(Path input) throws IOException {
		if (!Files.exists(input)) throw new IllegalArgumentException(input + ": input file or folder not found");
		if (!Files.isDirectory(input)) return List.of(input);
		List<Path> all = org.duodistill.data.FolderWalk.regularFiles(input).stream().filter(p -> !hidden(input.relativize(p))).sorted().toList();
		java.util.Map<Path, List<Path>> byFolder = new java.util.LinkedHashMap<>();
		for (Path p : all) byFolder.computeIfAbsent(p.getParent(), k -> new ArrayList<>()).add(p);
		DicomReader dicom = new DicomReader();
		List<Path> ordered = new ArrayList<>(all.size());
		for (List<Path> folder : byFolder.values()) {
			List<Path> series = new ArrayList<>();
			for (Path p : folder) {
				if (dicom.claims(p)) series.add(p);
				else ordered.add(p);
			}
			ordered.addAll(series.size() > 1 ? DicomReader.sortSeries(series) : series);
		}
		return ordered;
	}

	private static long planes(Object read) {
		return read instanceof Classifier.PreparedFile f ? f.inputs().size() : 1;
	}

	/** Names starting with a dot (.DS_Store, .git, ...) are not images to classify. */
	public static boolean hidden(Path relative) {
		for (Path part : relative) if (part.toString().startsWith(".")) return true;
		return false;
	}

	/**
	 * How the files are classified: planes per network batch, across files, and the threads that read
	 * and preprocess files while the network runs (0: the calling thread reads them, file by file).
	 */
	public record Settings(int batch, int workers) {
		public Settings {
			if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
			if (workers < 0) throw new IllegalArgumentException("reading threads must be >= 0, got " + workers);
		}

		/** Batches of {@link PredictionBatches#DEFAULT_BATCH} on this machine's processors, the network on the CPU. */
		public static Settings defaults() {
			return forCores(org.duodistill.data.OrderedWork.defaultWorkers(), PredictionBatches.DEFAULT_BATCH, false);
		}

		/**
		 * The reading threads for {@code cores} processors. On the CPU the cores are shared half and
		 * half with the network's libtorch threads ({@link #networkThreads}): reading and
		 * preprocessing a 128x128 PNG costs about as much as the network's pass over it (0.7 against
		 * 0.8 ms on one thread), and on 2 cores one reader beside one libtorch thread beat two of each
		 * (docs/benchmarks.md, folder classification). One core: the calling thread reads each file
		 * and runs the network in turn. With the network on a GPU every core reads.
		 */
		public static Settings forCores(int cores, int batch, boolean gpu) {
			int n = Math.max(1, cores);
			return new Settings(batch, gpu ? n : n / 2);
		}

		/** libtorch's threads beside {@link #forCores}' readers on the CPU. */
		public static int networkThreads(int cores) {
			int n = Math.max(1, cores);
			return Math.max(1, n - n / 2);
		}

		/**
		 * Planes read ahead of the batch being gathered, the one being handed over included: two
		 * batches, so that the readers fill the next batch while the network runs this one. Counted
		 * in planes, not files, so that a folder of volumes stays within memory too.
		 */
		long planesAhead() {
			return Math.max(2L * batch, Math.max(2L * workers, 8));
		}
	}

	/** Classifies the files (from {@link #files}) in order with the default settings; files that cannot be read are listed as skipped. */
	public static Result run(Classifier classifier, List<Path> files, Progress progress, BooleanSupplier cancelled) {
		return run(classifier, files, progress, cancelled, Settings.defaults());
	}

	/**
	 * Classifies the files as a pipeline: reading threads decode and preprocess files, in listing
	 * order, while this thread runs the network on batches of planes gathered across files. Rows come
	 * out in listing order and equal the one-file-at-a-time rows within 1e-6 in every probability
	 * ({@link PredictionBatches}); files that cannot be read are listed as skipped.
	 */
	public static Result run(Classifier classifier, List<Path> files, Progress progress, BooleanSupplier cancelled, Settings settings) {
		List<Prediction> predictions = new ArrayList<>();
		List<SkippedFile> skipped = new ArrayList<>();
		PredictionBatches<Integer> batches = new PredictionBatches<>(classifier, settings.batch(), (i, f, rows) -> predictions.addAll(rows));
		boolean complete;
		try {
			complete = org.duodistill.data.OrderedWork.run(files, settings.workers(), settings.planesAhead(), FolderClassification::planes, file -> {
				try {
					return (Object) classifier.prepare(file.toString(), file);
				} catch (ImageReadException e) {
					return new SkippedFile(e.file(), e.reason());
				}
			}, (i, file, read) -> {
				if (cancelled != null && cancelled.getAsBoolean()) return false;
				if (progress != null) progress.file(i + 1, files.size(), file);
				if (read instanceof SkippedFile s) skipped.add(s);
				else batches.add(i, (Classifier.PreparedFile) read);
				return true;
			});
			batches.finish();
		} catch (RuntimeException e) {
			throw e;
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return new Result(predictions, skipped, true);
		} catch (Exception e) {
			throw new IllegalStateException(e);
		}
		return new Result(predictions, skipped, !complete);
	}
}
