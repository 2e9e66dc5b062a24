package org.duodistill.cli;

import org.duodistill.data.SkippedFile;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.ExplanationMethod;
import org.duodistill.infer.FolderExplanation;
import org.duodistill.model.Engines;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code explain}: a map per image or slice of the pixels that decided its class, and explanations.csv. */
final class ExplainCommand {
	private ExplainCommand() {}

	static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException {
		Args a = new Args(argv, 1, Set.of("model", "input", "output", "class", "method", "device", "threads", "plane", "slice-axis"),
				Set.of("overlay", "overwrite"));
		Path model = Path.of(a.required("model"));
		Path input = Path.of(a.required("input"));
		Path output = Path.of(a.required("output"));
		ExplanationMethod method;
		try {
			method = ExplanationMethod.parse(a.get("method", ExplanationMethod.DEFAULT.cliName()));
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
		Main.configureEngine(a);
		FolderExplanation.Options o = new FolderExplanation.Options(a.get("class", null), method, a.flag("overlay"), a.flag("overwrite"));
		FolderExplanation.Result r;
		try (Classifier c = Classifier.open(model, Engines.device(a.get("device", "auto")), TrainCommand.cut(a))) {
			r = FolderExplanation.run(c, input, output, o, (i, n, f) -> err.println("explaining " + i + "/" + n + ": " + f), null);
		}
		for (SkippedFile s : r.skipped()) err.println("skipped " + s.file() + ": " + s.reason());
		if (r.explanations().isEmpty()) {
			throw new IllegalArgumentException(input + ": no readable images (" + r.skipped().size() + " file(s) skipped)");
		}
		out.println(r.csv() + ": " + r.explanations().size() + " map(s) by " + method.cliName()
				+ (r.skipped().isEmpty() ? "" : ", " + r.skipped().size() + " file(s) skipped"));
		return 0;
	}
}
