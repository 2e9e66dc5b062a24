package org.duodistill.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.duodistill.data.ImageData;
import org.duodistill.data.ImageJReader;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.Explanation;
import org.duodistill.infer.ExplanationFiles;
import org.duodistill.infer.ExplanationMethod;
import org.duodistill.infer.FolderExplanation;
import org.duodistill.model.Engines;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;
import org.scijava.widget.NumberWidget;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Plugins > DuoDistill > Explain Prediction: for each sample of the active image (each slice; of a
 * hyperstack each (z, t), its channels together, as Classify Image and the readers take it), a map
 * of the pixels that moved the class score (the command line's {@code explain}), opened as
 * "Explanation of &lt;title&gt;" and laid over the image on every channel of its position, with the
 * peak of each map in a table.
 */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Explain Prediction", headless = true)
public class ExplainPredictionCommand extends ContextCommand {
	// not remembered: a remembered image would be re-opened from its description (ImagePlus(String))
	@Parameter(persist = false)
	private ImagePlus image;

	@Parameter(label = "Model folder", style = FileWidget.DIRECTORY_STYLE)
	private File model;

	// "class" is what the command line calls it, but a Java field cannot have that name, and the
	// field's name is the macro key. Not remembered: a class left over from an earlier run would be
	// explained instead of the predicted one, unnoticed, by a macro that does not name one.
	@Parameter(label = "Class to explain (empty: the predicted class)", required = false, persist = false)
	private String class_name = "";

	// ExplanationMethod's names, the default first: an annotation takes only constants (a test keeps them equal)
	@Parameter(label = "Method", choices = {"occlusion", "gradient", "smoothgrad", "grad-x-input", "integrated-gradients"})
	private String method = ExplanationMethod.DEFAULT.cliName();

	@Parameter(label = "Overlay opacity (0: no overlay)", min = "0", max = "1", stepSize = "0.05", style = NumberWidget.SCROLL_BAR_STYLE)
	private double opacity = 0.4;

	// Neither remembered: a macro that names no folder must not write into the last one, nor replace files there
	@Parameter(label = "Save maps and explanations.csv to (optional)", style = FileWidget.DIRECTORY_STYLE, required = false, persist = false)
	private File output;

	@Parameter(label = "Replace existing files in that folder", persist = false)
	private boolean overwrite = false;

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu"})
	private String device = "auto";

	@Parameter
	private StatusService status;

	@Parameter
	private LogService log;

	// An output, not shown here: Fiji displays a command's image outputs, and showing it as well opens it twice
	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus explanation;

	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable explanations;

	@Override
	public void run() {
		if (image == null) {
			cancel("No image is open");
			return;
		}
		if (model == null) {
			cancel("Choose a model folder");
			return;
		}
		try (Classifier c = Classifier.open(model.toPath(), Engines.device(device))) {
			String cls = class_name == null || class_name.isBlank() ? null : class_name.trim();
			if (cls != null) c.classIndex(cls); // a wrong name fails before any work, naming the classes
			ExplanationMethod m = ExplanationMethod.parse(method);
			// an earlier run's files stop the command before the work, not after it
			if (output != null) ExplanationFiles.checkFree(output.toPath().resolve(ExplanationFiles.CSV), overwrite);
			// one sample per (z, t), the channels of a position together: what Classify Image classifies
			ImageData data = ImageJReader.data(image);
			List<Explanation> ex = explainSlices(c, data, cls, m);
			if (ex.isEmpty()) {
				cancel("Cancelled before the first slice was explained");
				return;
			}
			// saved first: a file that cannot be written leaves the image as it was
			if (output != null) {
				var csv = FolderExplanation.save(ex, data, image.getTitle(), output.toPath(), new FolderExplanation.Options(cls, m, true, overwrite));
				if (log != null) log.info("DuoDistill: saved " + ex.size() + " map(s) and " + csv);
			}
			explanation = ExplanationImages.maps(image, ex);
			if (opacity > 0) ExplanationImages.addOverlay(image, ex, opacity);
			explanations = ResultTables.explanations(ex);
			ResultTables.addSamplePositions(explanations, image);
			ResultTables.present(explanations, ResultTables.EXPLANATIONS);
		} catch (IOException | IllegalArgumentException e) {
			if (log != null) log.error("DuoDistill: " + e.getMessage());
			cancel(e.getMessage());
		} finally {
			IJ.resetEscape();
		}
	}

	/**
	 * Slice by slice, so that a long stack shows its progress and Esc stops it between slices,
	 * keeping the slices already explained.
	 */
	private List<Explanation> explainSlices(Classifier c, ImageData data, String cls, ExplanationMethod m) {
		int n = data.planes().size();
		List<Explanation> out = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			if (isCanceled() || IJ.escapePressed()) {
				if (log != null) log.warn("DuoDistill: cancelled after " + i + " of " + n + " samples");
				break;
			}
			if (status != null) status.showStatus(i, n, "DuoDistill: explaining slice " + (i + 1) + "/" + n + " (Esc cancels)");
			out.addAll(c.explain(image.getTitle(), data.keep(List.of(i)), cls, m));
		}
		if (status != null) status.showStatus(n, n, "DuoDistill: explained " + out.size() + " slice(s) by " + m.cliName());
		return out;
	}
}
