package org.duodistill.cli;

import org.duodistill.model.ModelExport;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code export}: a model folder's deployed network as one timm-named {@code .safetensors} file that
 * PyTorch loads with {@code load_state_dict(strict=True)} (docs/export.md shows how).
 */
@Command(name = "export", customSynopsis = "duodistill export --model MODEL_DIR --output FILE.safetensors [OPTIONS]",
		description = {"Writes a model's network as one .safetensors file for PyTorch.",
				"timm/torchvision tensor names, classes and preprocessing in its metadata; loads with strict=True."})
final class ExportCommand implements Callable<Integer> {
	private final Streams io;

	@Mixin HelpOption help;

	@Option(names = "--model", paramLabel = "MODEL_DIR", required = true, description = "a model folder written by train")
	String model;

	@Option(names = "--output", paramLabel = "FILE.safetensors", required = true, description = "the file to write")
	String output;

	@Option(names = "--overwrite", description = "replace an existing --output file")
	boolean overwrite;

	@Mixin Presentation presentation;

	ExportCommand(Streams io) {
		this.io = io;
	}

	@Override
	public Integer call() throws UsageException, IOException {
		Path modelPath = CommandLines.path(model, "--model");
		Path outputPath = CommandLines.path(output, "--output");
		if (!outputPath.getFileName().toString().endsWith(".safetensors")) throw new UsageException("--output must name a .safetensors file");
		OutputFiles.checkWritable(outputPath, overwrite);
		// two steps whose time grows with the model (a ViT-B is 350 MB): reading and checking it, writing it
		ProgressTask progress = presentation.statusLine(io).task("export", 2, "steps");
		SavedModel m;
		try {
			progress.update(0, "reading " + modelPath.getFileName());
			m = ModelFolder.read(modelPath);
			progress.update(1, "writing " + outputPath.getFileName());
			ModelExport.write(m, outputPath, overwrite);
			progress.complete();
		} finally {
			progress.finish();
		}
		String timm = ModelExport.timmCall(m.spec());
		io.out().println(outputPath + ": " + m.spec().describe() + ", classes " + String.join(",", m.classes()));
		io.out().println(timm != null ? "load in PyTorch: model = " + timm + "; model.load_state_dict(safetensors.torch.load_file('"
				+ outputPath.getFileName() + "'), strict=True)" : "load in PyTorch with the reference module of scripts/ (docs/export.md); timm has no model of this width");
		return 0;
	}
}
