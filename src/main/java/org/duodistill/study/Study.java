package org.duodistill.study;

import ai.djl.Device;
import org.duodistill.data.Csv;
import org.duodistill.data.Dataset;
import org.duodistill.data.DatasetException;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.SlicePolicy;
import org.duodistill.data.Split;
import org.duodistill.data.Splitter;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.WeightInit;
import org.duodistill.train.EpochRecord;
import org.duodistill.train.Method;
import org.duodistill.infer.Calibration;
import org.duodistill.infer.Metrics;
import org.duodistill.train.Pipeline;
import org.duodistill.train.Teacher;
import org.duodistill.train.TrainResult;
import org.duodistill.train.TrainingJob;
import org.duodistill.train.TrainingListener;
import org.duodistill.train.TrainingOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The accuracy study: every method (or variant) x training fraction x seed on one dataset, with
 * one teacher per seed shared by all students of that seed. Each finished run is appended to
 * {@code study.csv} at once, so an interrupted study keeps its runs and a rerun skips them.
 */
public final class Study {
	public static final String CSV = "study.csv";

	/**
	 * @param name the dataset's name in the table
	 * @param teacher {@code auto} (trained here on the seed's whole training split) or a checkpoint /
	 *        model folder, e.g. a teacher pretrained on a larger, different dataset
	 * @param teacherEpochs epochs of an auto teacher
	 */
	public record Config(Path data, String name, List<StudyVariant> variants, List<Double> fractions, List<Long> seeds, int size,
			TrainingOptions base, int teacherEpochs, String teacher, String teacherArch, String studentArch, Device device,
			SlicePolicy slices) {}

	/** The command line's and Fiji's defaults: every method, four training fractions, three seeds. */
	public static final String DEFAULT_METHODS = "random,single-ws,ws-ema,kd,dual-skd,teacher";
	public static final String DEFAULT_FRACTIONS = "0.1,0.25,0.5,1";
	public static final String DEFAULT_SEEDS = "1,2,3";

	private final Config config;
	private final Path csv;
	private final TrainingListener listener;
	private boolean stopped;

	public Study(Config config, Path outputDir, TrainingListener listener) throws IOException {
		this.config = config;
		Files.createDirectories(outputDir);
		this.csv = outputDir.resolve(CSV);
		this.listener = listener;
	}

	/**
	 * Runs what {@code study.csv} does not have yet; returns every row of this dataset and teacher.
	 * When the listener reports cancelled, the study stops before the next run; a run stopped part way
	 * is not recorded (its figures would be a shorter run's), so a rerun does it again.
	 */
	public List<StudyRow> run() throws IOException, DatasetException {
		Set<String> done = new HashSet<>();
		for (StudyRow r : read(csv)) done.add(r.key());
		String teacherName = teacherName();
		seeds:
		for (long seed : config.seeds()) {
			if (allDone(done, teacherName, seed)) continue;
			if (stopped = listener.isCancelled()) break;
			TrainingOptions base = config.base().withSeed(seed).withTrainFraction(1);
			Dataset full = TrainingJob.loadDataset(config.data(), config.size(), ImageReaders.standard(), config.slices(), base, listener);
			Teacher teacher;
			try (Pipeline p = new Pipeline(full, base.withEpochs(config.teacherEpochs()), config.device(), listener)) {
				teacher = p.prepareTeacher(config.teacher(), config.teacherArch(), config.size());
			}
			if (stopped = listener.isCancelled()) break;
			for (double fraction : config.fractions()) {
				Dataset ds = Splitter.subsampleTraining(full, fraction, seed);
				// A teacher that does not know these classes is fine-tuned on the fraction for KD; the
				// teacher baseline is exactly that run, so its result serves KD too (runs go in that order).
				Teacher forKd = teacher;
				for (StudyVariant v : ordered(config.variants())) {
					if (done.contains(StudyRow.key(config.name(), teacherName, seed, fraction, v.label()))) continue;
					if (stopped = listener.isCancelled()) break seeds;
					listener.message(String.format(java.util.Locale.ROOT, "study %s: seed %d, fraction %.2f, %s", config.name(), seed, fraction, v.label()));
					Run run = runOne(ds, v.method() == Method.KD ? forKd : teacher, v, seed, fraction, teacherName);
					if (run.result().cancelled()) {
						stopped = true;
						break seeds;
					}
					if (v.method() == Method.TEACHER && !teacher.trainedOnClasses() && v.changes().isEmpty()) forKd = run.asTeacher(teacher);
					append(run.row());
					done.add(run.row().key());
				}
			}
		}
		List<StudyRow> mine = new ArrayList<>();
		for (StudyRow r : read(csv)) if (r.dataset().equals(config.name()) && r.teacher().equals(teacherName)) mine.add(r);
		return mine;
	}

	/** Whether the last {@link #run} stopped early because it was cancelled. */
	public boolean stopped() {
		return stopped;
	}

	private boolean allDone(Set<String> done, String teacherName, long seed) {
		for (double f : config.fractions()) {
			for (StudyVariant v : config.variants()) if (!done.contains(StudyRow.key(config.name(), teacherName, seed, f, v.label()))) return false;
		}
		return true;
	}

	private String teacherName() {
		return org.duodistill.train.TeacherSource.parse(config.teacher()).label();
	}

	/** The teacher baseline first, so KD can reuse the teacher it fine-tuned. */
	private static List<StudyVariant> ordered(List<StudyVariant> variants) {
		List<StudyVariant> out = new ArrayList<>();
		for (StudyVariant v : variants) if (v.method() == Method.TEACHER) out.add(v);
		for (StudyVariant v : variants) if (v.method() != Method.TEACHER) out.add(v);
		return out;
	}

	private record Run(StudyRow row, TrainResult result) {
		Teacher asTeacher(Teacher original) {
			return new Teacher(result.model().spec(), result.model().weights(), original.source(), original.fingerprint(), true,
					original.preprocessing(), result.history(), result.seconds(), result.testMetrics(), original.origin());
		}
	}

	private Run runOne(Dataset ds, Teacher teacher, StudyVariant v, long seed, double fraction, String teacherName) {
		TrainingOptions opt = v.apply(config.base().withSeed(seed).withTrainFraction(1));
		try (Pipeline p = new Pipeline(ds, opt, config.device(), listener)) {
			Teacher t = teacher;
			if (v.method() == Method.TEACHER && teacherName.equals("auto")) {
				// The large architecture trained on this fraction alone, from scratch: the teacher baseline.
				ModelSpec spec = teacher.spec();
				t = new Teacher(spec, WeightInit.random(spec, seed + 11), "auto", teacher.fingerprint(), false, teacher.preprocessing(),
						List.of(), 0, null);
			}
			TrainResult r = p.trainStudent(v.method(), t, config.studentArch());
			Metrics test = r.testMetrics();
			Metrics calibrated = p.calibratedTestMetrics(r);
			Metrics val = r.valMetrics();
			EpochRecord lastSkd = EpochRecord.lastWithB(r.history());
			return new Run(new StudyRow(config.name(), teacherName, seed, fraction, v.label(), ds.split(Split.TRAIN).size(),
					val == null ? Double.NaN : val.accuracy(), val == null ? Double.NaN : val.macroF1(), test == null ? Double.NaN : test.accuracy(),
					test == null ? Double.NaN : test.macroF1(), test == null ? Double.NaN : test.balancedAccuracy(),
					test == null ? Double.NaN : test.macroAuc(), lastSkd == null ? Double.NaN : lastSkd.valAccA(),
					lastSkd == null ? Double.NaN : lastSkd.valAccB(), r.bestEpoch(),
					r.model().provenance().get("deployed_model").getAsString(), r.model().spec().parameterCount(),
					teacher.spec().parameterCount(), r.seconds(), Calibration.of(r.model().provenance()).temperature(),
					calibrated == null ? Double.NaN : calibrated.ece()), r);
		}
	}

	private void append(StudyRow row) throws IOException {
		upgradeHeader();
		boolean fresh = !Files.exists(csv) || Files.size(csv) == 0;
		String text = (fresh ? StudyRow.HEADER + "\n" : "") + row.csv() + "\n";
		Files.writeString(csv, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	/**
	 * A study.csv from before the calibration columns is rewritten once under today's header (its rows
	 * with those columns empty) before a new row goes in, so the file stays one table for CSV readers
	 * that go by the header.
	 */
	private void upgradeHeader() throws IOException {
		if (!Files.exists(csv) || Files.size(csv) == 0) return;
		String first;
		try (var lines = Files.lines(csv, StandardCharsets.UTF_8)) {
			first = lines.findFirst().orElse("");
		}
		if (first.equals(StudyRow.HEADER) || !first.startsWith("dataset,")) return;
		StringBuilder text = new StringBuilder(StudyRow.HEADER).append('\n');
		for (StudyRow r : read(csv)) text.append(r.csv()).append('\n');
		Path tmp = csv.resolveSibling("." + CSV + ".tmp");
		Files.writeString(tmp, text, StandardCharsets.UTF_8);
		Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	public static List<StudyRow> read(Path csv) throws IOException {
		List<StudyRow> rows = new ArrayList<>();
		if (!Files.exists(csv)) return rows;
		List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (line.isBlank() || line.startsWith("dataset,")) continue;
			try {
				rows.add(StudyRow.parse(Csv.parseLine(line)));
			} catch (RuntimeException e) {
				throw new IllegalArgumentException(csv + ": line " + (i + 1) + " is not a study row: " + e.getMessage());
			}
		}
		return rows;
	}
}
