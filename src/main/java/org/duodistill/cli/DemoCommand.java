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

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code demo}: trains the teacher once on sample-images, then every method from the same teacher
 * and split, and prints one row per method.
 */
final class DemoCommand {
	static final int DEMO_EPOCHS = 30;
	static final String DEFAULT_METHODS = "random,single-ws,ws-ema,kd,dual-skd,teacher";

	private DemoCommand() {}

	static int run(String[] argv, PrintStream out, PrintStream err) throws UsageException, IOException, DatasetException {
		Args a = new Args(argv, 1, Set.of("data", "epochs", "size", "threads", "methods", "seed", "teacher-arch", "student-arch", "device"),
				Set.of("quiet"));
		Path data = Path.of(a.get("data", "sample-images"));
		if (!Files.isDirectory(data)) {
			throw new IllegalArgumentException(data.toAbsolutePath() + ": sample images not found; run the demo from the project folder"
					+ " or pass --data DIR");
		}
		List<Method> methods = new ArrayList<>();
		for (String m : a.get("methods", DEFAULT_METHODS).split(",")) methods.add(Method.parse(m));
		TrainingOptions options = TrainingOptions.defaults().withEpochs(a.integer("epochs", DEMO_EPOCHS)).withSeed(a.integer("seed", 42));
		int size = a.integer("size", TrainCommand.DEFAULT_SIZE);
		String teacherArch = a.get("teacher-arch", Architectures.DEFAULT_TEACHER);
		String studentArch = a.get("student-arch", Architectures.DEFAULT_STUDENT);
		Main.configureEngine(a);
		ConsoleListener listener = new ConsoleListener(err, a.flag("quiet"));
		long t0 = System.nanoTime();
		Dataset ds = TrainingJob.loadDataset(data, size, ImageReaders.standard(), options, listener);
		err.printf(Locale.ROOT, "demo: %s, %d classes %s, train/val/test = %d/%d/%d, %d epochs per method%n", data, ds.numClasses(),
				ds.classes(), ds.split(Split.TRAIN).size(), ds.split(Split.VAL).size(), ds.split(Split.TEST).size(), options.epochs());
		List<String> rows = new ArrayList<>();
		try (Pipeline p = new Pipeline(ds, options, Engines.device(a.get("device", "auto")), listener)) {
			Teacher teacher = p.prepareTeacher("auto", teacherArch, size);
			for (Method m : methods) {
				TrainResult r = p.trainStudent(m, teacher, studentArch);
				double seconds = m == Method.TEACHER ? teacher.seconds() : r.seconds();
				List<org.duodistill.train.EpochRecord> h = m == Method.TEACHER ? teacher.history() : r.history();
				String row = row(m.id(), r.testMetrics(), r.model().spec().parameterCount(), r.model().spec().flops(size), seconds)
						+ validation(h);
				rows.add(row);
				err.println("done: " + row);
			}
		}
		out.println(String.format(Locale.ROOT, "%-10s %9s %9s %9s %11s %10s %8s %9s %9s", "method", "accuracy", "macro_f1", "bal_acc", "params",
				"MFLOPs", "time_s", "val_acc_A", "val_acc_B"));
		rows.forEach(out::println);
		out.printf(Locale.ROOT, "(test split of %s, %d images; teacher %s trained once and shared; val_acc_A / val_acc_B: validation"
				+ " accuracy of the student A and of B (dual-skd: the second student; ws-ema: A's EMA) after the last SKD epoch; total %.0f s)%n", data,
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
