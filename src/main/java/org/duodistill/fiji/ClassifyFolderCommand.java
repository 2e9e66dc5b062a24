package org.duodistill.fiji;

import ij.measure.ResultsTable;
import org.duodistill.data.ImageReadException;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.Prediction;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Plugins > DuoDistill > Classify Folder...: every image (and slice) under a folder. */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Classify Folder...", headless = true)
public class ClassifyFolderCommand extends ContextCommand {
	@Parameter(label = "Folder of images", style = FileWidget.DIRECTORY_STYLE)
	private File input;

	@Parameter(label = "Model folder", style = FileWidget.DIRECTORY_STYLE)
	private File model;

	@Parameter(label = "Save predictions as CSV (optional)", style = FileWidget.SAVE_STYLE, required = false)
	private File output;

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
		List<Path> files;
		try (Stream<Path> s = Files.walk(input.toPath())) {
			files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
		} catch (IOException e) {
			cancel("Cannot list " + input + ": " + e.getMessage());
			return;
		}
		try (Classifier c = Classifier.open(model.toPath(), Engines.device(device))) {
			List<Prediction> all = new ArrayList<>();
			for (int i = 0; i < files.size(); i++) {
				if (isCanceled() || ij.IJ.escapePressed()) break;
				if (status != null) status.showStatus(i + 1, files.size(), "DuoDistill: classifying " + files.get(i).getFileName());
				try {
					all.addAll(c.classify(files.get(i)));
				} catch (ImageReadException e) {
					skipped++;
					if (log != null) log.warn("DuoDistill: skipped " + e.file() + ": " + e.reason());
				}
			}
			predictions = ResultTables.predictions(all, c.classNames());
			if (output != null) ResultTables.saveCsv(predictions, output.toPath());
			ResultTables.present(predictions, ResultTables.PREDICTIONS);
			if (status != null) status.showStatus(all.size() + " predictions, " + skipped + " file(s) skipped");
		} catch (IOException | IllegalArgumentException e) {
			if (log != null) log.error("DuoDistill: " + e.getMessage());
			cancel(e.getMessage());
		} finally {
			ij.IJ.resetEscape();
		}
	}
}
