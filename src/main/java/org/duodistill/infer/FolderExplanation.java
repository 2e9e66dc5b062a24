package org.duodistill.infer;

import org.duodistill.data.ImageData;
import org.duodistill.data.ImageReadException;
import org.duodistill.data.SkippedFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Explains a file or every file under a folder into an output folder: one map per image or slice,
 * optional overlays, and {@code explanations.csv}. Unreadable files are skipped and listed. Shared
 * by {@code explain} and the macro extension.
 */
public final class FolderExplanation {
	/** What to explain and how. {@code className} null: each image's predicted class. */
	public record Options(String className, ExplanationMethod method, boolean overlay, boolean overwrite) {
		public static Options defaults() {
			return new Options(null, ExplanationMethod.DEFAULT, false, false);
		}
	}

	public record Result(List<Explanation> explanations, List<SkippedFile> skipped, Path csv, boolean cancelled) {}

	private FolderExplanation() {}

	public static Result run(Classifier classifier, Path input, Path outputDir, Options o, FolderClassification.Progress progress,
			BooleanSupplier cancelled) throws IOException {
		if (o.className() != null) classifier.classIndex(o.className()); // a wrong name fails before any work
		Path csv = outputDir.resolve(ExplanationFiles.CSV);
		ExplanationFiles.checkFree(csv, o.overwrite());
		List<Path> files = FolderClassification.files(input);
		List<Explanation> all = new ArrayList<>();
		List<SkippedFile> skipped = new ArrayList<>();
		List<String> rows = new ArrayList<>();
		boolean stopped = false;
		for (int i = 0; i < files.size(); i++) {
			if (cancelled != null && cancelled.getAsBoolean()) {
				stopped = true;
				break;
			}
			Path f = files.get(i);
			if (progress != null) progress.file(i + 1, files.size(), f);
			ImageData data;
			try {
				data = classifier.read(f);
			} catch (ImageReadException e) {
				skipped.add(new SkippedFile(e.file(), e.reason()));
				continue;
			}
			List<Explanation> ex = classifier.explain(f.toString(), data, o.className(), o.method());
			rows.addAll(write(ex, data, outputDir, input, f, o));
			all.addAll(ex);
		}
		// Written even when cancelled or when files were skipped: the maps already written are listed.
		if (!rows.isEmpty()) ExplanationFiles.writeCsv(csv, rows);
		return new Result(all, skipped, rows.isEmpty() ? null : csv, stopped);
	}

	/**
	 * Saves the explanations of one image that was not read from a file here (an image open in
	 * Fiji) as {@link #run} saves a file's: maps named after {@code name}, optional overlays, and
	 * {@code explanations.csv}. Returns the CSV.
	 */
	public static Path save(List<Explanation> ex, ImageData data, String name, Path outputDir, Options o) throws IOException {
		Path csv = outputDir.resolve(ExplanationFiles.CSV);
		ExplanationFiles.checkFree(csv, o.overwrite());
		Path named = Path.of(ExplanationFiles.safeName(name));
		ExplanationFiles.writeCsv(csv, write(ex, data, outputDir, named, named, o));
		return csv;
	}

	/** The map (and overlay) files of one image's explanations, in plane order; returns their CSV rows. */
	private static List<String> write(List<Explanation> ex, ImageData data, Path outputDir, Path inputRoot, Path image, Options o)
			throws IOException {
		boolean stack = data.planes().size() > 1 || data.depth() > 1;
		List<String> rows = new ArrayList<>(ex.size());
		for (int k = 0; k < ex.size(); k++) {
			Explanation e = ex.get(k);
			Path map = ExplanationFiles.mapFile(outputDir, inputRoot, image, e.slice(), stack);
			ExplanationFiles.checkFree(map, o.overwrite());
			ExplanationFiles.writeMap(map, e);
			if (o.overlay()) {
				Path png = ExplanationFiles.overlayFile(map);
				ExplanationFiles.checkFree(png, o.overwrite());
				ExplanationFiles.writeOverlay(png, e, data.planes().get(k));
			}
			rows.add(ExplanationFiles.row(e, outputDir.relativize(map).toString().replace('\\', '/')));
		}
		return rows;
	}
}
