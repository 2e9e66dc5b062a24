package org.duodistill.cli;

import org.duodistill.data.Csv;
import org.duodistill.data.SkippedFile;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.FolderClassification;
import org.duodistill.infer.Prediction;
import org.duodistill.model.Engines;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code classify}: one CSV row per image or slice: {@code file,slice,predicted,confidence,p_<class>...}. */
final class ClassifyCommand {
	private ClassifyCommand() {}

	static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException {
		Args a = new Args(argv, 1, Set.of("model", "input", "output", "device", "threads", "plane", "slice-axis"), Set.of("overwrite"));
		Path model = Path.of(a.required("model"));
		Path input = Path.of(a.required("input"));
		String output = a.get("output", null);
		if (output != null) OutputFiles.checkWritable(Path.of(output), a.flag("overwrite"));
		Main.configureEngine(a);
		List<Path> files = FolderClassification.files(input);
		StringBuilder csv = new StringBuilder();
		int rows = 0;
		FolderClassification.Result result;
		try (Classifier c = Classifier.open(model, Engines.device(a.get("device", "auto")), TrainCommand.cut(a))) {
			StringBuilder header = new StringBuilder("file,slice,predicted,confidence");
			for (String name : c.classNames()) header.append(',').append(Csv.field("p_" + name));
			csv.append(header).append('\n');
			result = FolderClassification.run(c, files, null, null);
		}
		for (Prediction p : result.predictions()) {
			csv.append(Csv.field(p.source())).append(',').append(p.slice()).append(',').append(Csv.field(p.predictedClass()))
					.append(',').append(Csv.probability(p.confidence()));
			for (float v : p.probabilities()) csv.append(',').append(Csv.probability(v));
			csv.append('\n');
			rows++;
		}
		for (SkippedFile s : result.skipped()) err.println("skipped " + s.file() + ": " + s.reason());
		int failed = result.skipped().size();
		if (rows == 0) throw new IllegalArgumentException(input + ": no readable images (" + failed + " file(s) skipped)");
		if (output == null) {
			out.print(csv);
		} else {
			OutputFiles.writeAtomically(Path.of(output), csv.toString());
			out.println(output + ": " + rows + " prediction(s)" + (failed > 0 ? ", " + failed + " file(s) skipped" : ""));
		}
		return 0;
	}
}
