package org.duodistill.fiji;

import ij.measure.ResultsTable;
import org.duodistill.train.TrainingJob;
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

/**
 * Plugins > DuoDistill > Resume Training...: continues a run that stopped (Fiji crashed, the computer
 * slept, the run was cancelled) from its last checkpoint, with the options it was started with, to
 * the model an uninterrupted run gives. Runs started by Train Classifier and by {@code duodistill
 * train} alike: both record their arguments in the checkpoint folder beside the model folder.
 */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Resume Training...", headless = true)
public class ResumeTrainingCommand extends ContextCommand {
	@Parameter(label = "Model folder of the stopped run", style = FileWidget.DIRECTORY_STYLE,
			description = "The model folder the run was writing (it need not exist yet), or the folder it was to be written in")
	private File model;

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
		try {
			Path output = stoppedRun(model);
			TrainSettings s = TrainSettings.fromArguments(TrainingJob.runArguments(output));
			FijiTraining.Outcome o = FijiTraining.run(s, true, status, log, this);
			if (o.failure() != null) {
				fail(o.failure());
				return;
			}
			summary = o.summary();
			training = o.training();
		} catch (IOException | IllegalArgumentException e) {
			fail(e.getMessage());
		}
	}

	/**
	 * The output of the run to resume: {@code chosen} itself when it has checkpoints; else the one
	 * stopped run whose model folder was to be written inside {@code chosen}.
	 */
	static Path stoppedRun(File chosen) throws IOException {
		if (chosen == null) throw new IllegalArgumentException("Choose the model folder of the stopped run");
		Path p = chosen.toPath().toAbsolutePath().normalize();
		if (TrainingJob.runArguments(p) != null) return p;
		List<Path> inside = new ArrayList<>();
		if (Files.isDirectory(p)) {
			try (var list = Files.list(p)) {
				for (Path f : list.toList()) {
					String n = f.getFileName().toString();
					if (n.startsWith(".") && n.endsWith(".checkpoint") && Files.isRegularFile(f.resolve("run.json"))) {
						inside.add(p.resolve(n.substring(1, n.length() - ".checkpoint".length())));
					}
				}
			}
		}
		if (inside.size() == 1) return inside.get(0);
		if (inside.isEmpty()) {
			throw new IllegalArgumentException(p + ": nothing to resume (no checkpoints of a stopped run for this model folder or inside it;"
					+ " a run that finished, or one started with checkpoint_every=0, cannot be resumed)");
		}
		inside.sort(null);
		throw new IllegalArgumentException(p + " holds several stopped runs; choose one of " + inside);
	}

	private void fail(String reason) {
		if (log != null) log.error("DuoDistill: " + reason);
		cancel(reason);
	}
}
