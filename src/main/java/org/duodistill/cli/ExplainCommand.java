package org.duodistill.cli;

import org.duodistill.data.SkippedFile;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.ExplanationMethod;
import org.duodistill.infer.FolderClassification;
import org.duodistill.infer.FolderExplanation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code explain}: a map per image or slice of the pixels that decided its class, and explanations.csv. */
@Command(name = "explain", customSynopsis = "duodistill explain --model MODEL_DIR --input FILE|DIR --output DIR [OPTIONS]",
		description = {"Maps the pixels that decided each image's class.",
				"For every image and slice: a 32-bit TIFF at the image's size, optionally an overlay PNG; and",
				"explanations.csv."})
final class ExplainCommand implements Callable<Integer> {
	private final Streams io;

	@Mixin HelpOption help;

	@Option(names = "--model", paramLabel = "MODEL_DIR", required = true, description = "a model folder written by train")
	String model;

	@Option(names = "--input", paramLabel = "FILE|DIR", required = true, description = "an image, stack or volume, or a folder searched recursively")
	String input;

	@Option(names = "--output", paramLabel = "DIR", required = true, description = "the folder for the maps, overlays and explanations.csv")
	String output;

	@Option(names = "--class", paramLabel = "C", description = "explain this class (name or 0-based index) (default: the predicted class)")
	String className;

	@Option(names = "--method", paramLabel = "M", defaultValue = "occlusion", completionCandidates = Candidates.ExplanationMethods.class,
			description = "occlusion, gradient, smoothgrad, grad-x-input or integrated-gradients (default: ${DEFAULT-VALUE})")
	String method = "occlusion";

	@Option(names = "--overlay", description = "also a PNG of the map in viridis over the image in grey")
	boolean overlay;

	@Option(names = "--overwrite", description = "replace existing maps and explanations.csv")
	boolean overwrite;

	@Mixin CutOptions cut;

	@Mixin EngineOptions engine;

	@Mixin Presentation presentation;

	ExplainCommand(Streams io) {
		this.io = io;
	}

	@Override
	public Integer call() throws UsageException, IOException {
		Path inputPath = CommandLines.path(input, "--input");
		Path outputPath = CommandLines.path(output, "--output");
		ExplanationMethod m;
		try {
			m = ExplanationMethod.parse(method);
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
		var slicing = cut.cut();
		var device = engine.configure();
		FolderExplanation.Options o = new FolderExplanation.Options(className, m, overlay, overwrite);
		StatusLine status = presentation.statusLine(io);
		ProgressTask[] progress = new ProgressTask[1];
		FolderClassification.Progress each = (i, n, f) -> {
			if (progress[0] == null) progress[0] = status.task("explain", n, "files");
			progress[0].update(i - 1, f.getFileName().toString());
		};
		FolderExplanation.Result r;
		try (Classifier c = Classifier.open(CommandLines.path(model, "--model"), device, slicing)) {
			r = FolderExplanation.run(c, inputPath, outputPath, o, each, null);
			if (progress[0] != null) progress[0].complete();
		} finally {
			if (progress[0] != null) progress[0].finish();
		}
		for (SkippedFile s : r.skipped()) status.println("skipped " + s.file() + ": " + s.reason());
		if (r.explanations().isEmpty()) {
			throw new IllegalArgumentException(inputPath + ": no readable images (" + r.skipped().size() + " file(s) skipped)");
		}
		io.out().println(r.csv() + ": " + r.explanations().size() + " map(s) by " + m.cliName()
				+ (r.skipped().isEmpty() ? "" : ", " + r.skipped().size() + " file(s) skipped"));
		return 0;
	}
}
