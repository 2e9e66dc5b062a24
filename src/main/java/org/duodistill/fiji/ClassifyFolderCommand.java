package org.duodistill.fiji;

import ij.measure.ResultsTable;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.FolderClassification;
import org.duodistill.model.Engines;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;

/** Plugins > DuoDistill > Classify Folder...: every image (and slice) under a folder. */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Classify Folder...", headless = true)
public class ClassifyFolderCommand extends ContextCommand {
	@Parameter(label = "Folder of images", style = FileWidget.DIRECTORY_STYLE)
	private File input;

	@Parameter(label = "Model folder", style = FileWidget.DIRECTORY_STYLE)
	private File model;

	@Parameter(label = "Save predictions as CSV (optional)", style = FileWidget.SAVE_STYLE, required = false)
	private File output;

	@Parameter(label = "Volumes: cut in the plane", choices = {SlicingCommand.AS_THE_MODEL, "axial", "coronal", "sagittal"},
			description = "The plane the model was trained on, unless another is chosen (NIfTI volumes; 2-D images are unaffected)")
	private String plane = SlicingCommand.AS_THE_MODEL;

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu"})
	private String device = "auto";

	@Parameter
	private StatusService status;

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable predictions;

	@Parameter(type = ItemIO.OUTPUT)
	private int skipped;

	@Override
	public void run() {
		if (input == null || !input.isDirectory()) {
			cancel("Not a folder: " + input);
			return;
		}
		try (Classifier c = Classifier.open(model.toPath(), Engines.device(device), SlicingCommand.classificationCut(plane))) {
			FolderClassification.Result r = FolderClassification.run(c, FolderClassification.files(input.toPath()),
					(i, n, f) -> {
						if (status != null) status.showStatus(i, n, "DuoDistill: classifying " + f.getFileName() + " (Esc cancels)");
					}, () -> isCanceled() || ij.IJ.escapePressed());
			for (var s : r.skipped()) if (log != null) log.warn("DuoDistill: skipped " + s.file() + ": " + s.reason());
			skipped = r.skipped().size();
			predictions = ResultTables.predictions(r.predictions(), c.classNames());
			if (output != null) ResultTables.saveCsv(predictions, output.toPath());
			ResultTables.present(predictions, ResultTables.PREDICTIONS);
			if (status != null) status.showStatus(r.predictions().size() + " predictions, " + skipped + " file(s) skipped"
					+ (r.cancelled() ? " (cancelled)" : ""));
		} catch (IOException | IllegalArgumentException e) {
			if (log != null) log.error("DuoDistill: " + e.getMessage());
			cancel(e.getMessage());
		} finally {
			ij.IJ.resetEscape();
		}
	}
}
