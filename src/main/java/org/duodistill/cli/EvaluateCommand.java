package org.duodistill.cli;

import org.duodistill.data.DatasetException;
import org.duodistill.data.ImageReaders;
import org.duodistill.infer.EvaluationJob;
import org.duodistill.infer.ReliabilityDiagram;
import org.duodistill.model.Engines;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code evaluate}: metrics of a model folder on labelled images, as {@code metric,value} CSV; with
 * {@code --output}, the reliability diagram as PNG beside it. Printing to stdout gives the CSV
 * alone: stdout is for the CSV, and there is no file name to put a picture beside.
 */
final class EvaluateCommand {
	private EvaluateCommand() {}

	static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException, DatasetException {
		Args a = new Args(argv, 1, Set.of("model", "data", "output", "device", "threads", "plane", "slice-axis"), Set.of("overwrite"));
		Path model = Path.of(a.required("model"));
		Path data = Path.of(a.required("data"));
		String output = a.get("output", null);
		Path diagram = output == null ? null : ReliabilityDiagram.besideCsv(Path.of(output));
		if (output != null) {
			// both before any work: a refused diagram must not cost an evaluation, nor leave a CSV without its picture
			OutputFiles.checkWritable(Path.of(output), a.flag("overwrite"));
			OutputFiles.checkWritable(diagram, a.flag("overwrite"), "the reliability diagram written beside --output");
		}
		Main.configureEngine(a);
		EvaluationJob.Result r = EvaluationJob.run(model, data, Engines.device(a.get("device", "auto")), ImageReaders.standard(),
				TrainCommand.cut(a));
		for (var s : r.dataset().skipped()) err.println("skipped " + s.file() + ": " + s.reason());
		if (r.dataWarning() != null) err.println("warning: " + r.dataWarning());
		String csv = r.metrics().csv(r.classes());
		if (output == null) {
			out.print(csv);
		} else {
			ReliabilityDiagram reliability = r.reliability(model, data);
			OutputFiles.writeAtomically(Path.of(output), csv);
			reliability.writePng(diagram);
			out.println(String.format(java.util.Locale.ROOT, "%s: accuracy %.4f, macro-F1 %.4f, ECE %.4f on %d images; reliability diagram %s",
					output, r.metrics().accuracy(), r.metrics().macroF1(), r.metrics().ece(), r.images(), diagram));
		}
		return 0;
	}
}
