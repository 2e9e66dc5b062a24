package org.duodistill.fiji;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.duodistill.data.DatasetException;
import org.duodistill.data.ImageReaders;
import org.duodistill.infer.EvaluationJob;
import org.duodistill.infer.ReliabilityDiagram;
import org.duodistill.model.Engines;
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
 * Plugins > DuoDistill > Evaluate Model...: metrics of a model on labelled images and their
 * reliability diagram, shown when there is a screen and saved beside the metrics CSV when one is
 * saved ({@code metrics.csv} -> {@code metrics-reliability.png}, replaced with it: the save dialog
 * asked about the CSV).
 */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Evaluate Model...", headless = true)
public class EvaluateModelCommand extends ContextCommand {
	@Parameter(label = "Model folder", style = FileWidget.DIRECTORY_STYLE)
	private File model;

	@Parameter(label = "Labelled images (folder or CSV)", style = FileWidget.FILE_AND_DIRECTORY_STYLE)
	private File data;

	@Parameter(label = "Save metrics as CSV (optional)", style = FileWidget.SAVE_STYLE, required = false,
			description = "The reliability diagram is saved beside it as NAME-reliability.png")
	private File output;

	@Parameter(label = "Volumes: cut in the plane", choices = {SlicingCommand.AS_THE_MODEL, "axial", "coronal", "sagittal"},
			description = "The plane the model was trained on, unless another is chosen (NIfTI volumes; 2-D images are unaffected)")
	private String plane = SlicingCommand.AS_THE_MODEL;

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu"})
	private String device = "auto";

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable metrics;

	@Override
	public void run() {
		try {
			EvaluationJob.Result r = EvaluationJob.run(model.toPath(), data.toPath(), Engines.device(device), ImageReaders.standard(),
					SlicingCommand.classificationCut(plane));
			for (var s : r.dataset().skipped()) if (log != null) log.warn("DuoDistill: skipped " + s.file() + ": " + s.reason());
			if (r.dataWarning() != null && log != null) log.warn("DuoDistill: " + r.dataWarning());
			metrics = ResultTables.metrics(r.metrics(), r.classes());
			ReliabilityDiagram reliability = r.reliability(model.toPath(), data.toPath());
			if (output != null) {
				ResultTables.saveCsv(metrics, output.toPath());
				reliability.writePng(ReliabilityDiagram.besideCsv(output.toPath()));
			}
			ResultTables.present(metrics, ResultTables.METRICS);
			if (!FijiEnvironment.headless()) new ImagePlus("DuoDistill Reliability Diagram", reliability.render()).show();
		} catch (IOException | DatasetException | IllegalArgumentException e) {
			if (log != null) log.error("DuoDistill: " + e.getMessage());
			cancel(e.getMessage());
		}
	}
}
