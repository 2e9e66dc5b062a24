package org.duodistill.fiji;

import ai.djl.Device;
import ij.IJ;
import ij.measure.ResultsTable;
import org.duodistill.data.DatasetException;
import org.duodistill.data.ImageReaders;
import org.duodistill.hub.HubCancelledException;
import org.duodistill.model.Engines;
import org.duodistill.train.TrainResult;
import org.duodistill.train.TrainingDiverged;
import org.duodistill.train.TrainingJob;
import org.scijava.Cancelable;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One training from Fiji, fresh or resumed, over the core's {@link TrainingJob} with its checkpoints:
 * the run's arguments go into the checkpoint folder in the command line's form, so the command line
 * and Resume Training... both continue it; then the tables, the figures and the summary.
 */
final class FijiTraining {
	/** What the command reports: a summary and the training table, or the reason it failed. */
	record Outcome(String summary, ResultsTable training, String failure) {}

	private FijiTraining() {}

	static Outcome run(TrainSettings s, boolean resume, StatusService status, LogService log, Cancelable command) {
		try {
			Engines.configure(s.threads);
			Device d = Engines.device(s.device);
			FijiProgress progress = new FijiProgress(status, log, command);
			IJ.resetEscape();
			TrainingJob.Request request = new TrainingJob.Request(s.data.toPath(), s.output.toPath(), s.teacher, s.teacherArch, s.studentArch,
					s.size, s.options(), d, s.overwrite, ImageReaders.standard(), s.slices);
			if (resume) progress.message("resuming " + s.output + " from its checkpoints");
			TrainResult r = TrainingJob.run(request, progress, s.divergenceRetries, s.checkpointEvery, resume, s.arguments());
			ResultsTable training = ResultTables.training(progress.epochs());
			ResultTables.present(training, ResultTables.TRAINING);
			if (r.testMetrics() != null) ResultTables.present(ResultTables.metrics(r.testMetrics(), r.model().classes()), ResultTables.METRICS);
			Path folder = s.output.toPath();
			TrainingFigures.save(folder, progress.epochs(), r, progress.livePlot() != null && progress.livePlot().window() != null);
			String summary = String.format(Locale.ROOT, "%s: %s, %s accuracy %.3f, macro-F1 %.3f%s", folder, r.model().spec().describe(),
					r.evaluatedOn(), r.testMetrics() == null ? Double.NaN : r.testMetrics().accuracy(),
					r.testMetrics() == null ? Double.NaN : r.testMetrics().macroF1(),
					r.cancelled() ? " (cancelled; kept the best checkpoint, epoch " + r.bestEpoch() + "; Resume Training... continues the run)" : "");
			progress.message(summary);
			if (status != null) status.showStatus(summary);
			return new Outcome(summary, training, null);
		} catch (HubCancelledException e) {
			// Esc or the command's cancel during the download: nothing was trained, nothing half-downloaded is kept
			return new Outcome(null, null, "cancelled while downloading the teacher " + s.teacher + "; nothing was trained and nothing partial"
					+ " was kept in the Hugging Face cache");
		} catch (DatasetException | IOException | IllegalArgumentException | IllegalStateException | TrainingDiverged e) {
			// IOException includes HubException: 401 (HF_TOKEN), 404, offline without a cached copy, in one line naming the repo
			return new Outcome(null, null, e.getMessage());
		} finally {
			IJ.resetEscape();
		}
	}
}
