package org.duodistill.cli;

import org.duodistill.data.Csv;
import org.duodistill.data.SkippedFile;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.FolderClassification;
import org.duodistill.infer.Prediction;
import org.duodistill.infer.PredictionBatches;
import org.duodistill.data.OrderedWork;
import org.duodistill.model.Engines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code classify}: one CSV row per image or slice: {@code file,slice,predicted,confidence,p_<class>...}. */
@Command(name = "classify", customSynopsis = "duodistill classify --model MODEL_DIR --input FILE|DIR [OPTIONS]",
		description = {"Classifies an image or every image under a folder, as CSV.",
				"One row per image or slice, on stdout or in --output; unreadable files are skipped and listed on stderr.",
				"--threads N: the network runs on N - N/2 libtorch threads while N/2 threads (N on a GPU) read and preprocess files; with N = 1 one thread does both in turn."})
final class ClassifyCommand implements Callable<Integer> {
	private final Streams io;

	@Mixin HelpOption help;

	@Option(names = "--model", paramLabel = "MODEL_DIR", required = true, description = "a model folder written by train")
	String model;

	@Option(names = "--input", paramLabel = "FILE|DIR", required = true, description = "an image, stack or volume, or a folder searched recursively")
	String input;

	@Option(names = "--output", paramLabel = "FILE.csv", description = "write the CSV here (default: stdout)")
	String output;

	@Option(names = "--overwrite", description = "replace an existing --output file")
	boolean overwrite;

	@Option(names = "--batch", paramLabel = "N", defaultValue = "" + PredictionBatches.DEFAULT_BATCH,
			description = "planes per network pass, gathered across files (default: ${DEFAULT-VALUE})")
	int batch;

	@Mixin CutOptions cut;

	@Mixin EngineOptions engine;

	@Mixin Presentation presentation;

	ClassifyCommand(Streams io) {
		this.io = io;
	}

	@Override
	public Integer call() throws UsageException, IOException {
		Path inputPath = CommandLines.path(input, "--input");
		if (output != null) OutputFiles.checkWritable(Path.of(output), overwrite);
		var slicing = cut.cut();
		if (engine.threads < 0) throw new UsageException("--threads must be >= 0");
		if (batch < 1) throw new UsageException("--batch must be >= 1");
		int cores = engine.threads > 0 ? engine.threads : OrderedWork.defaultWorkers();
		Engines.configure(FolderClassification.Settings.networkThreads(cores));
		var device = Engines.device(engine.device);
		FolderClassification.Settings settings = FolderClassification.Settings.forCores(cores, batch, device.isGpu());
		List<Path> files = FolderClassification.files(inputPath);
		StringBuilder csv = new StringBuilder();
		int rows = 0;
		FolderClassification.Result result;
		StatusLine status = presentation.statusLine(io);
		ProgressTask progress = status.task("classify", files.size(), "files");
		try (Classifier c = Classifier.open(CommandLines.path(model, "--model"), device, slicing)) {
			StringBuilder header = new StringBuilder("file,slice,predicted,confidence");
			for (String name : c.classNames()) header.append(',').append(Csv.field("p_" + name));
			csv.append(header).append('\n');
			// told as each file's turn comes: its rows may still wait for a full batch
			result = FolderClassification.run(c, files, (i, n, f) -> progress.update(i - 1, f.getFileName().toString()), null, settings);
			progress.complete();
		} finally {
			progress.finish();
		}
		for (Prediction p : result.predictions()) {
			csv.append(Csv.field(p.source())).append(',').append(p.slice()).append(',').append(Csv.field(p.predictedClass()))
					.append(',').append(Csv.probability(p.confidence()));
			for (float v : p.probabilities()) csv.append(',').append(Csv.probability(v));
			csv.append('\n');
			rows++;
		}
		for (SkippedFile s : result.skipped()) status.println("skipped " + s.file() + ": " + s.reason());
		int failed = result.skipped().size();
		if (rows == 0) throw new IllegalArgumentException(inputPath + ": no readable images (" + failed + " file(s) skipped)");
		if (output == null) {
			io.out().print(csv);
		} else {
			OutputFiles.writeAtomically(Path.of(output), csv.toString());
			io.out().println(output + ": " + rows + " prediction(s)" + (failed > 0 ? ", " + failed + " file(s) skipped" : ""));
		}
		return 0;
	}
}
