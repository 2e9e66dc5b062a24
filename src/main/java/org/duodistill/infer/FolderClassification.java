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

		/** Batches of {@link PredictionBatches#DEFAULT_BATCH}, one reading thread per processor. */
		public static Settings defaults() {
			return new Settings(PredictionBatches.DEFAULT_BATCH, org.duodistill.data.OrderedWork.defaultWorkers());
		}

		/** Files read ahead of the one being batched: what bounds memory, whatever the number of files. */
		int window() {
			return Math.max(2 * workers, 8);
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
			complete = org.duodistill.data.OrderedWork.run(files, settings.workers(), settings.window(), file -> {
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
