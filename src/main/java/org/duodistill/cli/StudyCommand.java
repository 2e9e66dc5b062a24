package org.duodistill.cli;

import org.duodistill.data.DatasetException;
import org.duodistill.model.Engines;
import org.duodistill.study.Study;
import org.duodistill.study.StudyReport;
import org.duodistill.study.StudyRow;
import org.duodistill.study.StudyVariant;
import org.duodistill.train.TrainingOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code study}: methods x training fractions x seeds on one labelled dataset, appended to
 * {@code OUTPUT/study.csv} (runs already there are skipped), then {@code study-summary.md} and
 * {@code study.png} over every row in the file, so several datasets can share one output folder.
 */
final class StudyCommand {
	static final String DEFAULT_METHODS = "random,single-ws,ws-ema,kd,dual-skd,teacher";
	static final String DEFAULT_FRACTIONS = "0.1,0.25,0.5,1";
	static final String DEFAULT_SEEDS = "1,2,3";

	private StudyCommand() {}

	static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException, DatasetException {
		Args a = new Args(argv, 1, Set.of("data", "name", "output", "methods", "fractions", "seeds", "size", "epochs", "teacher-epochs", "batch",
				"lr", "teacher", "teacher-arch", "student-arch", "device", "threads", "plane", "slice-axis", "slice-step", "central-slices",
				"skip-empty", "teacher-channels", "calibrate"), Set.of("quiet", "hflip", "report-only"));
		Path output = Path.of(a.required("output"));
		if (!a.flag("report-only")) {
			Path data = Path.of(a.required("data"));
			if (!Files.exists(data)) throw new IllegalArgumentException(data + ": no such data folder or CSV");
			List<StudyVariant> variants = new ArrayList<>();
			List<Double> fractions = new ArrayList<>();
			List<Long> seeds = new ArrayList<>();
			TrainingOptions base;
			try {
				for (String m : a.get("methods", DEFAULT_METHODS).split(",")) variants.add(StudyVariant.parse(m));
				for (String f : a.get("fractions", DEFAULT_FRACTIONS).split(",")) fractions.add(Double.parseDouble(f.trim()));
				for (String s : a.get("seeds", DEFAULT_SEEDS).split(",")) seeds.add(Long.parseLong(s.trim()));
				base = TrainingOptions.defaults().withEpochs(a.integer("epochs", 30)).withBatch(a.integer("batch", 32))
						.withLearningRate(a.number("lr", 1e-3)).withHorizontalFlip(a.flag("hflip"))
						.withTeacherChannels(TrainingOptions.TeacherChannels.parse(a.get("teacher-channels", "sum")))
						.withCalibrate(TrainCommand.calibrates(a));
				for (double f : fractions) if (!(f > 0) || f > 1) throw new UsageException("--fractions must be in (0, 1], got " + f);
			} catch (NumberFormatException e) {
				throw new UsageException("--fractions and --seeds take comma-separated numbers: " + e.getMessage());
			} catch (IllegalArgumentException e) {
				throw new UsageException(e.getMessage());
			}
			Main.configureEngine(a);
			String name = a.get("name", data.toAbsolutePath().normalize().getFileName().toString());
			Study.Config config = new Study.Config(data, name, variants, fractions, seeds, a.integer("size", TrainCommand.DEFAULT_SIZE), base,
					a.integer("teacher-epochs", base.epochs()), a.get("teacher", "auto"), a.get("teacher-arch", null),
					a.get("student-arch", org.duodistill.train.TeacherCatalogue.defaultStudent(a.get("teacher", "auto"))), Engines.device(a.get("device", "auto")), TrainCommand.slicePolicy(a));
			new Study(config, output, new ConsoleListener(err, a.flag("quiet"))).run();
		}
		List<StudyRow> rows = Study.read(output.resolve(Study.CSV));
		if (rows.isEmpty()) throw new IllegalArgumentException(output.resolve(Study.CSV) + ": no study rows");
		StudyReport.write(rows, output);
		out.print(StudyReport.markdown(rows));
		err.println("study: " + rows.size() + " runs in " + output.resolve(Study.CSV) + "; summary " + output.resolve(StudyReport.SUMMARY_MD)
				+ ", plot " + output.resolve(StudyReport.PLOT_PNG));
		return 0;
	}
}
