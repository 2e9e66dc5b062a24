package org.duodistill.fiji;

import ai.djl.Device;
import ij.IJ;
import ij.measure.ResultsTable;
import org.duodistill.data.DatasetException;
import org.duodistill.data.ImageReaders;
import org.duodistill.model.Architectures;
import org.duodistill.model.Engines;
import org.duodistill.train.Method;
import org.duodistill.train.TrainResult;
import org.duodistill.train.TrainingJob;
import org.duodistill.train.TrainingOptions;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Plugins > DuoDistill > Train Classifier...: a labelled folder or CSV in, a model folder out. */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Train Classifier...", headless = true)
public class TrainClassifierCommand extends SlicingCommand {
	@Parameter(label = "Labelled images (folder or CSV)", style = FileWidget.FILE_AND_DIRECTORY_STYLE,
			description = "One sub-folder per class (optionally under train/val/test), or a CSV path,label[,split]")
	private File data;

	@Parameter(label = "Model folder to write", style = FileWidget.DIRECTORY_STYLE)
	private File output;

	@Parameter(label = "Method", choices = {"dual-skd", "single-ws", "ws-ema", "kd", "random", "teacher"})
	private String method = "dual-skd";

	@Parameter(label = "Teacher (auto, checkpoint or model folder)", required = false,
			description = "auto trains the large model here first; or a .safetensors/.npz file with timm names; or a DuoDistill model folder")
	private String teacher = "auto";

	@Parameter(label = "Teacher architecture", choices = {"resnet18", "resnet34", "resnet50", "resnet26", "resnet10", "resnet18-w32",
			"vit_small_patch8_64", "vit_small_patch16_224", "convnext_tiny"})
	private String teacher_arch = Architectures.DEFAULT_TEACHER;

	@Parameter(label = "Student architecture", choices = {"resnet10-w32", "resnet10-w16", "resnet18-w32", "resnet10", "resnet26-w32",
			"vit_tiny_patch8_64", "vit_tiny_patch16_224", "convnext_femto"})
	private String student_arch = Architectures.DEFAULT_STUDENT;

	@Parameter(label = "Input size (pixels)", min = "8", max = "1024")
	private int size = 64;

	@Parameter(label = "Epochs", min = "1")
	private int epochs = 30;

	@Parameter(label = "Batch size", min = "2")
	private int batch = 32;

	@Parameter(label = "Learning rate", stepSize = "0.0001")
	private double lr = 1e-3;

	@Parameter(label = "Random seed")
	private int seed = 42;

	@Parameter(label = "Fraction of training images to use", min = "0.01", max = "1")
	private double train_fraction = 1.0;

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu"})
	private String device = "auto";

	@Parameter(label = "Allow horizontal flips (laterality does not matter)")
	private boolean hflip = false;

	@Parameter(label = "Replace an existing model folder")
	private boolean overwrite = false;

	@Parameter
	private StatusService status;

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT)
	private String summary;

	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable training;

	@Override
	public void run() {
		if (data == null || !data.exists()) {
			cancel("Training data not found: " + data);
			return;
		}
		if (output == null) {
			cancel("Choose a folder for the model");
			return;
		}
		try {
			TrainingOptions options = TrainingOptions.defaults().withMethod(Method.parse(method)).withEpochs(epochs).withBatch(batch)
					.withLearningRate(lr).withSeed(seed).withTrainFraction(train_fraction).withHorizontalFlip(hflip);
			Engines.configure(0);
			Device d = Engines.device(device);
			FijiProgress progress = new FijiProgress(status, log, this);
			IJ.resetEscape();
			String teacherSource = teacher == null || teacher.isBlank() ? "auto" : teacher.trim();
			TrainingJob.Request request = new TrainingJob.Request(data.toPath(), output.toPath(), teacherSource,
					teacherSource.equals("auto") ? teacher_arch : null, student_arch, size, options, d, overwrite, ImageReaders.standard(),
					slicePolicy());
			TrainResult r = TrainingJob.run(request, progress);
			training = ResultTables.training(progress.epochs());
			ResultTables.present(training, ResultTables.TRAINING);
			if (r.testMetrics() != null) ResultTables.present(ResultTables.metrics(r.testMetrics(), r.model().classes()), ResultTables.METRICS);
			Path folder = output.toPath();
			TrainingFigures.save(folder, progress.epochs(), r);
			summary = String.format(Locale.ROOT, "%s: %s, %s accuracy %.3f, macro-F1 %.3f%s", folder, r.model().spec().describe(),
					r.evaluatedOn(), r.testMetrics() == null ? Double.NaN : r.testMetrics().accuracy(),
					r.testMetrics() == null ? Double.NaN : r.testMetrics().macroF1(),
					r.cancelled() ? " (cancelled; kept the best checkpoint, epoch " + r.bestEpoch() + ")" : "");
			progress.message(summary);
			if (status != null) status.showStatus(summary);
		} catch (DatasetException | IOException | IllegalArgumentException e) {
			fail(e.getMessage());
		} finally {
			IJ.resetEscape();
		}
	}

	private void fail(String reason) {
		if (log != null) log.error("DuoDistill: " + reason);
		cancel(reason);
	}
}
