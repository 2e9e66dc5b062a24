package org.duodistill.cli;

import org.duodistill.data.DatasetException;
import org.duodistill.data.ImageReaders;
import org.duodistill.infer.EvaluationJob;
import org.duodistill.infer.ReliabilityDiagram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code evaluate}: metrics of a model folder on labelled images, as {@code metric,value} CSV; with
 * {@code --output}, the reliability diagram as PNG beside it. Printing to stdout gives the CSV
 * alone: stdout is for the CSV, and there is no file name to put a picture beside.
 */
@Command(name = "evaluate", customSynopsis = "duodistill evaluate --model MODEL_DIR --data DIR|CSV [OPTIONS]",
		description = {"Scores a model on labelled images as metric,value CSV.",
				"Uses the data's test/ split when it has one; with --output also the reliability diagram beside it",
				"(metrics-reliability.png)."})
final class EvaluateCommand implements Callable<Integer> {
	private final Streams io;

	@Mixin HelpOption help;

	@Option(names = "--model", paramLabel = "MODEL_DIR", required = true, description = "a model folder written by train")
	String model;

	@Option(names = "--data", paramLabel = "DIR|CSV", required = true, description = "labelled images, as train takes them")
	String data;

	@Option(names = "--output", paramLabel = "FILE.csv", description = "write the metrics here and the reliability diagram beside it (default: stdout, no diagram)")
	String output;

	@Option(names = "--overwrite", description = "replace an existing --output file and diagram")
	boolean overwrite;

	@Mixin CutOptions cut;

	@Mixin EngineOptions engine;

	@Mixin Presentation presentation;

	EvaluateCommand(Streams io) {
		this.io = io;
	}

	@Override
	public Integer call() throws UsageException, IOException, DatasetException {
		Path modelPath = CommandLines.path(model, "--model");
		Path dataPath = CommandLines.path(data, "--data");
		Path diagram = output == null ? null : ReliabilityDiagram.besideCsv(Path.of(output));
		if (output != null) {
			// both before any work: a refused diagram must not cost an evaluation, nor leave a CSV without its picture
			OutputFiles.checkWritable(Path.of(output), overwrite);
			OutputFiles.checkWritable(diagram, overwrite, "the reliability diagram written beside --output");
		}
		var slicing = cut.cut();
		var device = engine.configure();
		StatusLine status = presentation.statusLine(io);
		ProgressTask[] reading = new ProgressTask[1];
		EvaluationJob.Result r;
		try {
			r = EvaluationJob.run(modelPath, dataPath, device, ImageReaders.standard(), slicing, (done, total) -> {
				if (reading[0] == null) reading[0] = status.task("reading", total, "files");
				reading[0].update(done, "");
			});
		} finally {
			if (reading[0] != null) reading[0].finish();
		}
		for (var s : r.dataset().skipped()) status.println("skipped " + s.file() + ": " + s.reason());
		if (r.dataWarning() != null) status.println("warning: " + r.dataWarning());
		String csv = r.metrics().csv(r.classes());
		if (output == null) {
			io.out().print(csv);
		} else {
			ReliabilityDiagram reliability = r.reliability(modelPath, dataPath);
			OutputFiles.writeAtomically(Path.of(output), csv);
			reliability.writePng(diagram);
			io.out().println(String.format(java.util.Locale.ROOT, "%s: accuracy %.4f, macro-F1 %.4f, ECE %.4f on %d images; reliability diagram %s",
					output, r.metrics().accuracy(), r.metrics().macroF1(), r.metrics().ece(), r.images(), diagram));
		}
		return 0;
	}
}
