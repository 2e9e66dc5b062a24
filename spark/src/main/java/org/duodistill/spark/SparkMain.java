package org.duodistill.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.duodistill.cli.Args;
import org.duodistill.cli.UsageException;
import org.duodistill.data.DatasetException;
import org.duodistill.model.TensorFileException;

import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code duodistill-spark classify|evaluate}: the single-machine commands' options and outputs on
 * Apache Spark. In-process {@code local[*]} unless {@code --master} or spark-submit says otherwise.
 * Exit code 0 on success, 1 when the work failed, 2 for wrong usage; failures print one line.
 */
public final class SparkMain {
	static final String USAGE = String.join("\n",
			"usage: duodistill-spark <command> [options]",
			"  classify --model MODEL_DIR --input DIR|FILE|GLOB|LIST.csv|LIST.parquet [--output OUT.csv|OUT.parquet]",
			"           [--format csv|parquet] [--overwrite] [--part-per-partition] [common options]",
			"  evaluate --model MODEL_DIR --data DIR|CSV|LIST.parquet [--output metrics.csv] [--overwrite] [common options]",
			"  common:  [--master local[*]|URL] [--device auto|cpu|gpu] [--threads N (libtorch threads per task)] [--partitions N]",
			"           [--plane axial|coronal|sagittal | --slice-axis x|y|z]   (volumes: the model's plane unless given)",
			"  Paths may be any Hadoop file system URI (hdfs://, s3a://, file:); outputs are folders of part files with _SUCCESS.");

	private SparkMain() {}

	public static void main(String[] args) {
		if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
		int code = run(args, System.out, System.err);
		System.out.flush();
		System.exit(code);
	}

	/** Starts (or joins) a Spark session, runs one command, stops the session it started. */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
			(args.length == 0 ? err : out).println(USAGE);
			return args.length == 0 ? 2 : 0;
		}
		String master;
		try {
			Args a = parse(args);
			master = a.get("master", null);
			ModelStaging.precheck(a.get("model", null));
			InputListing.precheck(a.get(args[0].equals("classify") ? "input" : "data", null));
		} catch (UsageException e) {
			return usage(e, err);
		} catch (TensorFileException | IllegalArgumentException e) {
			err.println("duodistill-spark: error: " + oneLine(e.getMessage()));
			return 1;
		}
		SparkSession spark = session(master, args[0]);
		try {
			return run(spark, args, out, err);
		} finally {
			spark.stop();
		}
	}

	/** Runs one command in an existing session (tests, notebooks). */
	public static int run(SparkSession spark, String[] args, PrintStream out, PrintStream err) {
		try {
			Args a = parse(args);
			switch (args[0]) {
				case "classify": return SparkClassify.run(spark, a, out, err);
				case "evaluate": return SparkEvaluate.run(spark, a, out, err);
				default: throw new UsageException("unknown command '" + args[0] + "'");
			}
		} catch (UsageException e) {
			return usage(e, err);
		} catch (DatasetException | TensorFileException | FileAlreadyExistsException | IllegalArgumentException e) {
			err.println("duodistill-spark: error: " + oneLine(e.getMessage()));
			return 1;
		} catch (Exception e) {
			// Spark's own exceptions (a failed job) are checked exceptions thrown from Scala code
			err.println("duodistill-spark: error: " + oneLine(rootMessage(e)));
			return 1;
		}
	}

	private static Args parse(String[] args) throws UsageException {
		Set<String> options = new HashSet<>();
		Set<String> flags = new HashSet<>();
		switch (args[0]) {
			case "classify" -> {
				options.addAll(SparkClassify.OPTIONS);
				flags.addAll(SparkClassify.FLAGS);
			}
			case "evaluate" -> {
				options.addAll(SparkEvaluate.OPTIONS);
				flags.addAll(SparkEvaluate.FLAGS);
			}
			default -> throw new UsageException("unknown command '" + args[0] + "' (classify or evaluate)");
		}
		return new Args(args, 1, options, flags);
	}

	/** spark-submit passes the master as spark.master; started any other way, the job runs in-process on every core. */
	static SparkSession session(String master, String command) {
		SparkConf conf = new SparkConf();
		SparkSession.Builder b = SparkSession.builder().appName("duodistill " + command);
		if (master != null) b.master(master);
		else if (!conf.contains("spark.master")) b.master("local[*]");
		String effective = master != null ? master : conf.get("spark.master", "local[*]");
		// started by bin/duodistill-spark with --master URL (client mode): executors get the job's jars from the driver
		String ownJars = System.getProperty("duodistill.spark.jars");
		if (!effective.startsWith("local") && ownJars != null && !conf.contains("spark.jars")) b.config("spark.jars", ownJars);
		// a batch job on one machine needs no web UI (nor its port)
		if (effective.startsWith("local") && !conf.contains("spark.ui.enabled")) b.config("spark.ui.enabled", "false");
		SparkSession spark = b.getOrCreate();
		if (!conf.contains("spark.log.level")) spark.sparkContext().setLogLevel("WARN");
		return spark;
	}

	private static int usage(UsageException e, PrintStream err) {
		err.println("duodistill-spark: " + e.getMessage());
		err.println(USAGE);
		return 2;
	}

	/** Spark wraps task failures in layers; the innermost message says what went wrong. */
	private static String rootMessage(Throwable e) {
		Throwable t = e;
		while (t.getCause() != null && t.getCause() != t) t = t.getCause();
		return t == e ? e.toString() : e.getClass().getSimpleName() + ": " + t;
	}

	static String oneLine(String s) {
		return s == null ? "(no message)" : s.replace('\n', ' ').replace('\r', ' ');
	}
}
