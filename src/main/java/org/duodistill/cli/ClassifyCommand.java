package org.duodistill.cli;

import org.duodistill.data.Csv;
import org.duodistill.data.ImageReadException;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.Prediction;
import org.duodistill.model.Engines;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** {@code classify}: one CSV row per image or slice: {@code file,slice,predicted,confidence,p_<class>...}. */
final class ClassifyCommand {
	private ClassifyCommand() {}

	static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException {
		Args a = new Args(argv, 1, Set.of("model", "input", "output", "device", "threads"), Set.of("overwrite"));
		Path model = Path.of(a.required("model"));
		Path input = Path.of(a.required("input"));
		String output = a.get("output", null);
		if (output != null) OutputFiles.checkWritable(Path.of(output), a.flag("overwrite"));
		if (!Files.exists(input)) throw new IllegalArgumentException(input + ": input file or folder not found");
		Main.configureEngine(a);
		List<Path> files;
		if (Files.isDirectory(input)) {
			try (Stream<Path> s = Files.walk(input)) {
				files = s.filter(Files::isRegularFile).filter(p -> !hidden(input.relativize(p))).sorted().toList();
			}
		} else {
			files = List.of(input);
		}
		StringBuilder csv = new StringBuilder();
		int rows = 0;
		int failed = 0;
		try (Classifier c = Classifier.open(model, Engines.device(a.get("device", "auto")))) {
			StringBuilder header = new StringBuilder("file,slice,predicted,confidence");
			for (String name : c.classNames()) header.append(',').append(Csv.field("p_" + name));
			csv.append(header).append('\n');
			for (Path f : files) {
				try {
					for (Prediction p : c.classify(f)) {
						csv.append(Csv.field(p.source())).append(',').append(p.slice()).append(',').append(Csv.field(p.predictedClass()))
								.append(',').append(fmt(p.confidence()));
						for (float v : p.probabilities()) csv.append(',').append(fmt(v));
						csv.append('\n');
						rows++;
					}
				} catch (ImageReadException e) {
					failed++;
					err.println("skipped " + e.file() + ": " + e.reason());
				}
			}
		}
		if (rows == 0) throw new IllegalArgumentException(input + ": no readable images (" + failed + " file(s) skipped)");
		if (output == null) {
			out.print(csv);
		} else {
			OutputFiles.writeAtomically(Path.of(output), csv.toString());
			out.println(output + ": " + rows + " prediction(s)" + (failed > 0 ? ", " + failed + " file(s) skipped" : ""));
		}
		return 0;
	}

	/** Files or folders whose name starts with a dot (.DS_Store, .git, ...) are not images to classify. */
	static boolean hidden(Path relative) {
		for (Path part : relative) if (part.toString().startsWith(".")) return true;
		return false;
	}

	private static String fmt(float v) {
		return String.format(Locale.ROOT, "%.6f", v);
	}
}
