package org.duodistill.cli;

import org.duodistill.data.DatasetException;
import org.duodistill.study.Study;
import org.duodistill.study.StudyReport;
import org.duodistill.study.StudyRow;
import org.duodistill.study.StudyVariant;
import org.duodistill.train.TrainingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code study}: methods x training fractions x seeds on one labelled dataset, appended to
 * {@code OUTPUT/study.csv} (runs already there are skipped), then {@code study-summary.md} and
 * {@code study.png} over every row in the file, so several datasets can share one output folder.
 */
@Command(name = "study", customSynopsis = {"duodistill study --data DIR|CSV --output DIR [OPTIONS]",
		"       duodistill study --output DIR --report-only"},
		description = {"Compares methods over training fractions and seeds.",
				"One teacher per seed; each run is appended to OUTPUT/study.csv (a rerun skips finished runs);",
				"then study-summary.md (also on stdout) and study.png."})
final class StudyCommand implements Callable<Integer> {
	static final String DEFAULT_METHODS = "random,single-ws,ws-ema,kd,dual-skd,teacher";
	static final String DEFAULT_FRACTIONS = "0.1,0.25,0.5,1";
	static final String DEFAULT_SEEDS = "1,2,3";

	private final Streams io;

	@Mixin HelpOption help;

	@Option(names = "--data", paramLabel = "DIR|CSV", description = "labelled images, as train takes them")
	String data;

	@Option(names = "--output", paramLabel = "DIR", description = "the study's folder: study.csv, study-summary.md, study.png")
	String output;

	@Option(names = "--name", paramLabel = "NAME", description = "the dataset's name in the rows (default: the data folder's name)")
	String name;

	@Option(names = "--methods", paramLabel = "m[+key=value...],...", defaultValue = DEFAULT_METHODS,
			description = "methods or variants such as dual-skd+ema-half-life=0.2+mutual=off (default: ${DEFAULT-VALUE})")
	String methods = DEFAULT_METHODS;

	@Option(names = "--fractions", paramLabel = "F,...", defaultValue = DEFAULT_FRACTIONS, description = "training fractions, each in (0, 1] (default: ${DEFAULT-VALUE})")
	String fractions = DEFAULT_FRACTIONS;

	@Option(names = "--seeds", paramLabel = "N,...", defaultValue = DEFAULT_SEEDS, description = "seeds, one teacher each (default: ${DEFAULT-VALUE})")
	String seeds = DEFAULT_SEEDS;

	@Option(names = "--size", paramLabel = "N", defaultValue = "" + TrainCommand.DEFAULT_SIZE, description = "network input size (default: ${DEFAULT-VALUE})")
	int size = TrainCommand.DEFAULT_SIZE;

	@Option(names = "--epochs", paramLabel = "N", defaultValue = "30", description = "epochs of every student (default: ${DEFAULT-VALUE})")
	int epochs = 30;

	@Option(names = "--teacher-epochs", paramLabel = "N", description = "epochs of an auto teacher (default: --epochs)")
	Integer teacherEpochs;

	@Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "batch size (default: ${DEFAULT-VALUE})")
	int batch = 32;

	@Option(names = "--lr", paramLabel = "X", defaultValue = "1e-3", description = "AdamW's peak learning rate (default: ${DEFAULT-VALUE})")
	double lr = 1e-3;

	@Option(names = "--teacher", paramLabel = "auto|FILE|MODEL_DIR|hf-hub:ORG/NAME", defaultValue = "auto", description = "as train's (default: ${DEFAULT-VALUE})")
	String teacher = "auto";

	@Option(names = "--teacher-arch", paramLabel = "A", description = "the auto teacher's architecture (default: resnet18)")
	String teacherArch;

	@Option(names = "--student-arch", paramLabel = "A", description = "the students' architecture (default: the catalogue teacher's own student, else resnet10-w32)")
	String studentArch;

	@Mixin EngineOptions engine;

	@Mixin SliceOptions slices;

	@Option(names = "--teacher-channels", paramLabel = "sum|replicate", defaultValue = "sum", completionCandidates = Candidates.TeacherChannels.class,
			description = "as train's (default: ${DEFAULT-VALUE})")
	String teacherChannels = "sum";

	@Option(names = "--calibrate", paramLabel = "temperature|none", defaultValue = "temperature", completionCandidates = Candidates.Calibrations.class,
			description = "applies to every run (default: ${DEFAULT-VALUE})")
	String calibrate = "temperature";

	@Option(names = "--hflip", description = "allow horizontal flips in augmentation")
	boolean hflip;

	@Option(names = "--report-only", description = "train nothing: write the summary and plot of the rows already in study.csv")
	boolean reportOnly;

	@Mixin Presentation presentation;

	StudyCommand(Streams io) {
		this.io = io;
	}

	@Override
	public Integer call() throws UsageException, IOException, DatasetException {
		Path outputPath = CommandLines.path(output, "--output");
		StatusLine status = presentation.statusLine(io);
		if (!reportOnly) {
			Path dataPath = CommandLines.path(data, "--data");
			if (!Files.exists(dataPath)) throw new IllegalArgumentException(dataPath + ": no such data folder or CSV");
			List<StudyVariant> variants = new ArrayList<>();
			List<Double> fractionList = new ArrayList<>();
			List<Long> seedList = new ArrayList<>();
			TrainingOptions base;
			try {
				for (String m : methods.split(",")) variants.add(StudyVariant.parse(m));
				for (String f : fractions.split(",")) fractionList.add(Double.parseDouble(f.trim()));
				for (String s : seeds.split(",")) seedList.add(Long.parseLong(s.trim()));
				base = TrainingOptions.defaults().withEpochs(epochs).withBatch(batch).withLearningRate(lr).withHorizontalFlip(hflip)
						.withTeacherChannels(TrainingOptions.TeacherChannels.parse(teacherChannels))
						.withCalibrate(TrainCommand.calibrates(calibrate));
				for (double f : fractionList) if (!(f > 0) || f > 1) throw new UsageException("--fractions must be in (0, 1], got " + f);
			} catch (NumberFormatException e) {
				throw new UsageException("--fractions and --seeds take comma-separated numbers: " + e.getMessage());
			} catch (IllegalArgumentException e) {
				throw new UsageException(e.getMessage());
			}
			var slicePolicy = slices.policy();
			var device = engine.configure();
			String dataName = name != null ? name : dataPath.toAbsolutePath().normalize().getFileName().toString();
			Study.Config config = new Study.Config(dataPath, dataName, variants, fractionList, seedList, size, base,
					teacherEpochs != null ? teacherEpochs : base.epochs(), teacher, teacherArch,
					studentArch != null ? studentArch : org.duodistill.train.TeacherCatalogue.defaultStudent(teacher), device, slicePolicy);
			try (ConsoleListener listener = new ConsoleListener(status, presentation.quiet)) {
				new Study(config, outputPath, listener).run();
			}
		}
		List<StudyRow> rows = Study.read(outputPath.resolve(Study.CSV));
		if (rows.isEmpty()) throw new IllegalArgumentException(outputPath.resolve(Study.CSV) + ": no study rows");
		StudyReport.write(rows, outputPath);
		io.out().print(StudyReport.markdown(rows));
		status.println("study: " + rows.size() + " runs in " + outputPath.resolve(Study.CSV) + "; summary " + outputPath.resolve(StudyReport.SUMMARY_MD)
				+ ", plot " + outputPath.resolve(StudyReport.PLOT_PNG));
		return 0;
	}
}
