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
import java.util.stream.Stream;

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
		List<Path> all;
		try (Stream<Path> s = Files.walk(input)) {
			all = s.filter(Files::isRegularFile).filter(p -> !hidden(input.relativize(p))).sorted().toList();
		}
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

	/** Classifies the files (from {@link #files}) in order; files that cannot be read are listed as skipped. */
	public static Result run(Classifier classifier, List<Path> files, Progress progress, BooleanSupplier cancelled) {
		List<Prediction> predictions = new ArrayList<>();
		List<SkippedFile> skipped = new ArrayList<>();
		for (int i = 0; i < files.size(); i++) {
			if (cancelled != null && cancelled.getAsBoolean()) return new Result(predictions, skipped, true);
			if (progress != null) progress.file(i + 1, files.size(), files.get(i));
			try {
				predictions.addAll(classifier.classify(files.get(i)));
			} catch (ImageReadException e) {
				skipped.add(new SkippedFile(e.file(), e.reason()));
			}
		}
		return new Result(predictions, skipped, false);
	}
}
