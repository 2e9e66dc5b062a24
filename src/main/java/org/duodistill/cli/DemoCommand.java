package org.duodistill.cli;

import org.duodistill.data.Dataset;
import org.duodistill.data.DatasetException;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.Split;
import org.duodistill.model.Architectures;
import org.duodistill.model.Engines;
import org.duodistill.train.Method;
import org.duodistill.infer.Metrics;
import org.duodistill.train.Pipeline;
import org.duodistill.train.Teacher;
import org.duodistill.train.TrainResult;
import org.duodistill.train.TrainingJob;
import org.duodistill.train.TrainingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code demo}: trains the teacher once on sample-images, then every method from the same teacher
 * and split, and prints one row per method.
 */
@Command(name = "demo", customSynopsis = "duodistill demo [OPTIONS]",
		description = {"Compares every method on the sample images.",
				"Trains the teacher once on sample-images/ (300 MRI slices: axial, coronal, sagittal), then every",
				"method from the same teacher and split; one row of test metrics per method."})
final class DemoCommand implements Callable<Integer> {
	static final int DEMO_EPOCHS = 30;
	static final String DEFAULT_METHODS = "random,single-ws,ws-ema,kd,dual-skd,teacher";

	private final Streams io;

	@Mixin HelpOption help;

	@Option(names = "--data", paramLabel = "DIR", defaultValue = "sample-images", description = "labelled images (default: ${DEFAULT-VALUE})")
	String data = "sample-images";

	@Option(names = "--epochs", paramLabel = "N", defaultValue = "" + DEMO_EPOCHS, description = "epochs per method (default: ${DEFAULT-VALUE})")
	int epochs = DEMO_EPOCHS;

	@Option(names = "--size", paramLabel = "N", defaultValue = "" + TrainCommand.DEFAULT_SIZE, description = "network input size (default: ${DEFAULT-VALUE})")
	int size = TrainCommand.DEFAULT_SIZE;

	@Option(names = "--methods", paramLabel = "a,b,...", defaultValue = DEFAULT_METHODS, description = "the methods to compare (default: ${DEFAULT-VALUE})")
	String methods = DEFAULT_METHODS;

	@Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "seed of the split and the training (default: ${DEFAULT-VALUE})")
	int seed = 42;

	@Option(names = "--teacher-arch", paramLabel = "A", defaultValue = Architectures.DEFAULT_TEACHER, description = "the teacher's architecture (default: ${DEFAULT-VALUE})")
	String teacherArch = Architectures.DEFAULT_TEACHER;

	@Option(names = "--student-arch", paramLabel = "A", defaultValue = Architectures.DEFAULT_STUDENT, description = "the students' architecture (default: ${DEFAULT-VALUE})")
	String studentArch = Architectures.DEFAULT_STUDENT;

	@Mixin EngineOptions engine;

	@Mixin Presentation presentation;

	DemoCommand(Streams io) {
		this.io = io;
	}

	@Override
	public Integer call() throws UsageException, IOException, DatasetException {
		PrintStream out = io.out();
		Path dataPath = Path.of(data);
		if (!Files.isDirectory(dataPath)) {
			throw new IllegalArgumentException(dataPath.toAbsolutePath() + ": sample images not found; run the demo from the project folder"
					+ " or pass --data DIR");
		}
		List<Method> methodList = new ArrayList<>();
		for (String m : methods.split(",")) methodList.add(Method.parse(m));
		TrainingOptions options = TrainingOptions.defaults().withEpochs(epochs).withSeed(seed);
		engine.configureThreads();
		StatusLine status = presentation.statusLine(io);
		long t0 = System.nanoTime();
		List<String> rows = new ArrayList<>();
		Dataset ds;
		try (ConsoleListener listener = new ConsoleListener(status, presentation.quiet)) {
			ds = TrainingJob.loadDataset(dataPath, size, ImageReaders.standard(), options, listener);
			status.println(String.format(Locale.ROOT, "demo: %s, %d classes %s, train/val/test = %d/%d/%d, %d epochs per method", dataPath,
					ds.numClasses(), ds.classes(), ds.split(Split.TRAIN).size(), ds.split(Split.VAL).size(), ds.split(Split.TEST).size(), options.epochs()));
			try (Pipeline p = new Pipeline(ds, options, Engines.device(engine.device), listener)) {
				Teacher teacher = p.prepareTeacher("auto", teacherArch, size);
				for (Method m : methodList) {
					TrainResult r = p.trainStudent(m, teacher, studentArch);
					double seconds = m == Method.TEACHER ? teacher.seconds() : r.seconds();
					List<org.duodistill.train.EpochRecord> h = m == Method.TEACHER ? teacher.history() : r.history();
					String row = row(m.id(), r.testMetrics(), r.model().spec().parameterCount(), r.model().spec().flops(size), seconds)
							+ validation(h);
					rows.add(row);
					status.println("done: " + row);
				}
			}
		}
		out.println(String.format(Locale.ROOT, "%-10s %9s %9s %9s %11s %10s %8s %9s %9s", "method", "accuracy", "macro_f1", "bal_acc", "params",
				"MFLOPs", "time_s", "val_acc_A", "val_acc_B"));
		rows.forEach(out::println);
		out.printf(Locale.ROOT, "(test split of %s, %d images; teacher %s trained once and shared; val_acc_A / val_acc_B: validation"
				+ " accuracy of the student A and of B (dual-skd: the second student; ws-ema: A's EMA) after the last SKD epoch; total %.0f s)%n", dataPath,
				ds.split(Split.TEST).size(), teacherArch, (System.nanoTime() - t0) / 1e9);
		return 0;
	}

	/** A's and B's validation accuracy after the last epoch that had a B, else A's after the last epoch. */
	static String validation(List<org.duodistill.train.EpochRecord> history) {
		org.duodistill.train.EpochRecord skd = org.duodistill.train.EpochRecord.lastWithB(history);
		org.duodistill.train.EpochRecord last = skd != null ? skd : history.isEmpty() ? null : history.get(history.size() - 1);
		double a = last == null ? Double.NaN : last.valAccA();
		return String.format(Locale.ROOT, " %9.4f %9s", a, skd == null ? "-" : String.format(Locale.ROOT, "%.4f", skd.valAccB()));
	}

	static String row(String method, Metrics m, long params, long flops, double seconds) {
		return String.format(Locale.ROOT, "%-10s %9.4f %9.4f %9.4f %11d %10.1f %8.1f", method, m == null ? Double.NaN : m.accuracy(),
				m == null ? Double.NaN : m.macroF1(), m == null ? Double.NaN : m.balancedAccuracy(), params, flops / 1e6, seconds);
	}
}
