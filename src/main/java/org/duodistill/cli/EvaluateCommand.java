package org.duodistill.cli;

import org.duodistill.data.DatasetException;
import org.duodistill.data.ImageReaders;
import org.duodistill.infer.EvaluationJob;
import org.duodistill.model.Engines;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code evaluate}: metrics of a model folder on labelled images, as {@code metric,value} CSV. */
final class EvaluateCommand {
	private EvaluateCommand() {}

	static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException, DatasetException {
		Args a = new Args(argv, 1, Set.of("model", "data", "output", "device", "threads"), Set.of("overwrite"));
		Path model = Path.of(a.required("model"));
		Path data = Path.of(a.required("data"));
		String output = a.get("output", null);
		if (output != null) OutputFiles.checkWritable(Path.of(output), a.flag("overwrite"));
		Main.configureEngine(a);
		EvaluationJob.Result r = EvaluationJob.run(model, data, Engines.device(a.get("device", "auto")), ImageReaders.standard());
		for (var s : r.dataset().skipped()) err.println("skipped " + s.file() + ": " + s.reason());
		if (r.dataWarning() != null) err.println("warning: " + r.dataWarning());
		String csv = r.metrics().csv(r.classes());
		if (output == null) {
			out.print(csv);
		} else {
			OutputFiles.writeAtomically(Path.of(output), csv);
			out.println(String.format(java.util.Locale.ROOT, "%s: accuracy %.4f, macro-F1 %.4f on %d images", output,
					r.metrics().accuracy(), r.metrics().macroF1(), r.images()));
		}
		return 0;
	}
}
