package org.duodistill.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import org.duodistill.data.ImageData;
import org.duodistill.data.ImageJReader;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.Prediction;
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
import java.util.List;

/**
 * Plugins > DuoDistill > Classify Image: the active image, 8/16/32-bit or RGB, 2-D, stack or
 * hyperstack, any size, with the model's own preprocessing. One row per (z, t): the channels of one
 * position are one sample, as when the same image is read from a file by any reader.
 */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Classify Image", headless = true)
public class ClassifyImageCommand extends ContextCommand {
	@Parameter
	private ImagePlus image;

	@Parameter(label = "Model folder", style = FileWidget.DIRECTORY_STYLE)
	private File model;

	@Parameter(label = "Write the predicted class into each slice label")
	private boolean label_slices = false;

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu"})
	private String device = "auto";

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable predictions;

	@Override
	public void run() {
		if (image == null) {
			cancel("No image is open");
			return;
		}
		try (Classifier c = Classifier.open(model.toPath(), Engines.device(device))) {
			ImageData data = ImageJReader.data(image);
			List<Prediction> p = c.classify(image.getTitle(), data.planes(), data.sliceNumbers());
			predictions = ResultTables.predictions(p, c.classNames());
			ResultTables.addSamplePositions(predictions, image);
			if (label_slices) writeLabels(image, p);
			ResultTables.present(predictions, ResultTables.PREDICTIONS);
		} catch (IOException | IllegalArgumentException e) {
			if (log != null) log.error("DuoDistill: " + e.getMessage());
			cancel(e.getMessage());
		}
	}

	private static void writeLabels(ImagePlus imp, List<Prediction> p) {
		ImageStack stack = imp.getStack();
		for (Prediction x : p) {
			String label = x.predictedClass() + String.format(java.util.Locale.ROOT, " (%.2f)", x.confidence());
			int[] zt = ImageJReader.zt(imp, x.slice());
			// every channel of the position: whichever channel is shown, the label is there
			for (int s : ImageJReader.stackIndices(imp, zt[0], zt[1])) {
				String old = stack.getSliceLabel(s);
				stack.setSliceLabel(old == null || old.isBlank() ? label : label + " " + old, s);
			}
		}
		if (imp.getStackSize() == 1) imp.setProperty("Label", stack.getSliceLabel(1));
	}
}
