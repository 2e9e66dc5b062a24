package org.duodistill.fiji;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import org.duodistill.data.DatasetException;
import org.duodistill.model.Architectures;
import org.duodistill.model.Engines;
import org.duodistill.study.Study;
import org.duodistill.study.StudyReport;
import org.duodistill.study.StudyRow;
import org.duodistill.study.StudyVariant;
import org.duodistill.train.TeacherCatalogue;
import org.duodistill.train.TeacherSource;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plugins > DuoDistill > Compare Methods...: the study of {@code duodistill study} (methods x training
 * fractions x seeds on one labelled dataset, appended to {@code study.csv} in the output folder, runs
 * already there skipped), then its summary and figure ({@code study-summary.md}, {@code study.png})
 * over every row of the file. Esc or cancel stops it: the runs finished stay in {@code study.csv}, the
 * run under way is dropped, and running it again continues.
 */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Compare Methods...", headless = true)
public class CompareMethodsCommand extends SlicingCommand {
	static final String TABLE = "DuoDistill Study";
	static final String FIGURE = "DuoDistill Study Figure";

	@Parameter(label = "Labelled images (folder or CSV)", style = FileWidget.FILE_AND_DIRECTORY_STYLE)
	private File data;

	@Parameter(label = "Study folder (study.csv, study-summary.md, study.png)", style = FileWidget.DIRECTORY_STYLE,
			description = "Several datasets may share one folder; runs already in its study.csv are not run again")
	private File output;

	@Parameter(label = "Dataset name in the table (empty: the folder's name)", required = false)
	private String name = "";

	@Parameter(label = "Methods (comma-separated)", description = "Of random, single-ws, ws-ema, kd, dual-skd, teacher; variants as"
			+ " method[option=value,...] as the command line takes them")
	private String methods = Study.DEFAULT_METHODS;

	@Parameter(label = "Training fractions (comma-separated, in (0, 1])")
	private String fractions = Study.DEFAULT_FRACTIONS;

	@Parameter(label = "Seeds (comma-separated)")
	private String seeds = Study.DEFAULT_SEEDS;

	@Parameter(label = "Input size (pixels)", min = "8", max = "1024")
	private int size = 64;

	@Parameter(label = "Epochs per run", min = "1")
	private int epochs = 30;

	@Parameter(label = "Teacher epochs (auto teacher; 0 = as the runs)", min = "0")
	private int teacher_epochs = 0;

	@Parameter(label = "Batch size", min = "2")
	private int batch = 32;

	@Parameter(label = "Learning rate", stepSize = "0.0001")
	private double lr = 1e-3;

	@Parameter(label = "Teacher", description = "auto (trained here per seed), hf-hub:ORG/NAME[@REV], or a checkpoint / model folder path")
	private String teacher = "auto";

	@Parameter(label = "Teacher architecture (auto only)", choices = {"resnet18", "resnet34", "resnet50", "resnet26", "resnet10", "resnet18-w32",
			"vit_small_patch8_64", "vit_small_patch16_224", "convnext_tiny"})
	private String teacher_arch = Architectures.DEFAULT_TEACHER;

	@Parameter(label = "Student architecture (empty: paired with the teacher)", required = false)
	private String student_arch = "";

	@Parameter(label = "Grey images and an RGB teacher", choices = {"sum", "replicate"})
	private String teacher_channels = TrainingOptions.TeacherChannels.SUM.id();

	@Parameter(label = "Calibrate confidences", choices = {"temperature", "none"})
	private String calibrate = "temperature";

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu"})
	private String device = "auto";

	@Parameter(label = "Allow horizontal flips (laterality does not matter)")
	private boolean hflip = false;

	@Parameter
	private StatusService status;

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT)
	private String summary;

	/** Every row of study.csv, its columns. */
	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable study;

	@Override
	public void run() {
		try {
			Study.Config config = config();
			Path folder = output.toPath();
			FijiProgress progress = new FijiProgress(status, log, this, false);
			Study s = new Study(config, folder, progress);
			s.run();
			List<StudyRow> rows = Study.read(folder.resolve(Study.CSV));
			if (rows.isEmpty()) {
				fail(s.stopped() ? "cancelled before the first run finished; nothing was recorded" : folder.resolve(Study.CSV) + ": no study rows");
				return;
			}
			StudyReport.write(rows, folder);
			study = table(rows);
			summary = rows.size() + " runs in " + folder.resolve(Study.CSV) + "; summary " + folder.resolve(StudyReport.SUMMARY_MD) + ", figure "
					+ folder.resolve(StudyReport.PLOT_PNG) + (s.stopped() ? " (cancelled: run it again to continue)" : "");
			progress.message(summary);
			ResultTables.present(study, TABLE);
			if (!FijiEnvironment.headless()) {
				ImagePlus figure = ij.IJ.openImage(folder.resolve(StudyReport.PLOT_PNG).toString());
				if (figure != null) {
					figure.setTitle(FIGURE);
					figure.show();
				}
			}
		} catch (IOException | DatasetException | IllegalArgumentException e) {
			fail(e.getMessage());
		}
	}

	/** The study these values ask for, checked before any work. */
	Study.Config config() {
		if (data == null || !data.exists()) throw new IllegalArgumentException("Labelled images not found: " + data);
		if (output == null) throw new IllegalArgumentException("Choose the study folder");
		List<StudyVariant> variants = new ArrayList<>();
		for (String m : list(methods, "methods")) variants.add(StudyVariant.parse(m));
		List<Double> fs = new ArrayList<>();
		List<Long> ss = new ArrayList<>();
		try {
			for (String f : list(fractions, "fractions")) fs.add(Double.parseDouble(f));
			for (String x : list(seeds, "seeds")) ss.add(Long.parseLong(x));
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("fractions and seeds take comma-separated numbers: " + e.getMessage());
		}
		for (double f : fs) if (!(f > 0) || f > 1) throw new IllegalArgumentException("training fractions must be in (0, 1], got " + f);
		TrainingOptions base = TrainingOptions.defaults().withEpochs(epochs).withBatch(batch).withLearningRate(lr).withHorizontalFlip(hflip)
				.withTeacherChannels(TrainingOptions.TeacherChannels.parse(teacher_channels == null ? "sum" : teacher_channels))
				.withCalibrate(TrainingOptions.calibrates(calibrate == null ? "temperature" : calibrate));
		String t = teacher == null || teacher.isBlank() ? "auto" : teacher.trim();
		TeacherSource.parse(t); // a malformed reference stops here
		String student = student_arch == null || student_arch.isBlank() ? TeacherCatalogue.defaultStudent(t) : student_arch.trim();
		String n = name == null || name.isBlank() ? data.toPath().toAbsolutePath().normalize().getFileName().toString() : name.trim();
		return new Study.Config(data.toPath(), n, variants, fs, ss, size, base, teacher_epochs > 0 ? teacher_epochs : epochs, t,
				TeacherSource.parse(t).isAuto() ? teacher_arch : null, student, Engines.device(device), slicePolicy());
	}

	private static List<String> list(String csv, String what) {
		List<String> out = new ArrayList<>();
		if (csv != null) for (String x : csv.split(",")) if (!x.isBlank()) out.add(x.trim());
		if (out.isEmpty()) throw new IllegalArgumentException("give at least one of the " + what);
		return out;
	}

	private static final java.util.Set<String> TEXT_COLUMNS = java.util.Set.of("dataset", "teacher", "method", "deployed");

	/** The rows under study.csv's column names. */
	static ResultsTable table(List<StudyRow> rows) {
		ResultsTable rt = ResultTables.newTable();
		String[] header = StudyRow.HEADER.split(",");
		for (StudyRow r : rows) {
			List<String> cells = org.duodistill.data.Csv.parseLine(r.csv());
			rt.addRow();
			for (int i = 0; i < header.length; i++) {
				String c = cells.get(i);
				if (TEXT_COLUMNS.contains(header[i])) {
					rt.addValue(header[i], c);
				} else {
					rt.addValue(header[i], c.isEmpty() ? Double.NaN : Double.parseDouble(c));
				}
			}
		}
		rt.showRowNumbers(false);
		return rt;
	}

	private void fail(String reason) {
		if (log != null) log.error("DuoDistill: " + reason);
		cancel(reason);
	}
}
