package org.duodistill.cli;

import org.duodistill.model.ModelExport;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.SavedModel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code export}: a model folder's deployed network as one timm-named {@code .safetensors} file that
 * PyTorch loads with {@code load_state_dict(strict=True)} (docs/export.md shows how).
 */
final class ExportCommand {
	private ExportCommand() {}

	static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException {
		Args a = new Args(argv, 1, Set.of("model", "output"), Set.of("overwrite"));
		Path model = Path.of(a.required("model"));
		Path output = Path.of(a.required("output"));
		if (!output.getFileName().toString().endsWith(".safetensors")) throw new UsageException("--output must name a .safetensors file");
		OutputFiles.checkWritable(output, a.flag("overwrite"));
		SavedModel m = ModelFolder.read(model);
		ModelExport.write(m, output, a.flag("overwrite"));
		String timm = ModelExport.timmCall(m.spec());
		out.println(output + ": " + m.spec().describe() + ", classes " + String.join(",", m.classes()));
		out.println(timm != null ? "load in PyTorch: model = " + timm + "; model.load_state_dict(safetensors.torch.load_file('"
				+ output.getFileName() + "'), strict=True)" : "load in PyTorch with the reference module of scripts/ (docs/export.md); timm has no model of this width");
		return 0;
	}
}
