package org.duodistill.fiji;

import ij.measure.ResultsTable;
import org.duodistill.model.ModelExport;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.SavedModel;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;

/**
 * Plugins > DuoDistill > Export for PyTorch...: a model folder's deployed network as one timm-named
 * {@code .safetensors} file that PyTorch loads with {@code load_state_dict(strict=True)}, as
 * {@code duodistill export} writes it (docs/export.md). An existing file is replaced only when asked.
 */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Export for PyTorch...", headless = true)
public class ExportForPyTorchCommand extends ContextCommand {
	static final String TABLE = "DuoDistill Export";

	@Parameter(label = "Model folder", style = FileWidget.DIRECTORY_STYLE)
	private File model;

	@Parameter(label = "Save as (.safetensors)", style = FileWidget.SAVE_STYLE)
	private File output;

	@Parameter(label = "Replace an existing file")
	private boolean overwrite = false;

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT)
	private String summary;

	/** One row: file, architecture, classes, parameters, pytorch (how to load it). */
	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable export;

	@Override
	public void run() {
		try {
			if (model == null || output == null) throw new IllegalArgumentException("Choose the model folder and the file to write");
			if (!output.getName().endsWith(".safetensors")) {
				throw new IllegalArgumentException(output + ": the export is a .safetensors file; name it NAME.safetensors");
			}
			SavedModel m = ModelFolder.read(model.toPath());
			ModelExport.write(m, output.toPath(), overwrite);
			String timm = ModelExport.timmCall(m.spec());
			String load = timm != null ? "model = " + timm + "; model.load_state_dict(safetensors.torch.load_file('" + output.getName()
					+ "'), strict=True)" : "the reference module of scripts/ (docs/export.md); timm has no model of this width";
			export = ResultTables.newTable();
			export.addRow();
			export.addValue("file", output.getAbsolutePath());
			export.addValue("architecture", m.spec().describe());
			export.addValue("classes", String.join(",", m.classes()));
			export.addValue("parameters", m.spec().parameterCount());
			export.addValue("pytorch", load);
			export.showRowNumbers(false);
			summary = output + ": " + m.spec().describe() + ", classes " + String.join(",", m.classes()) + "; load in PyTorch: " + load;
			if (log != null) log.info("DuoDistill: " + summary);
			ResultTables.present(export, TABLE);
		} catch (IOException | IllegalArgumentException e) {
			String reason = e instanceof java.nio.file.FileAlreadyExistsException ? e.getMessage().replace("pass --overwrite", "tick 'Replace an existing file' (macro: overwrite)")
					: e.getMessage();
			if (log != null) log.error("DuoDistill: " + reason);
			cancel(reason);
		}
	}
}
