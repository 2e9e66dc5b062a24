package org.duodistill.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.duodistill.cli.CommandLines;
import org.duodistill.cli.UsageException;
import org.duodistill.data.DatasetException;
import org.duodistill.model.TensorFileException;

import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code duodistill-spark classify|evaluate}: the single-machine commands' options and outputs on
 * Apache Spark. In-process {@code local[*]} unless {@code --master} or spark-submit says otherwise.
 * Exit code 0 on success, 1 when the work failed, 2 for wrong usage; failures print one line.
 */
public final class SparkMain {
	static final String PROGRAM = "duodistill-spark";

	/** A Spark command: checks what it can before a session starts, then runs in one. */
	interface SparkCommand {
		JobOptions job();

		/** Wrong words and a missing local model or input fail here, before Spark starts. */
		void precheck() throws UsageException, TensorFileException;

		int run(SparkSession spark, PrintStream out, PrintStream err) throws Exception;
	}

	@Command(name = PROGRAM, mixinStandardHelpOptions = true, versionProvider = org.duodistill.cli.Versions.class,
			customSynopsis = {"duodistill-spark COMMAND [OPTIONS]", "       duodistill-spark COMMAND --help   (that command's options, each with its default)"},
			description = {"classify and evaluate on Apache Spark: in-process on every core (local[*]) unless --master or",
					"spark-submit says otherwise. Exit code 0 on success, 1 when the work failed, 2 for wrong usage."})
	static final class Top {}

	private SparkMain() {}

	public static void main(String[] args) {
		if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
		int code = run(args, System.out, System.err);
		System.out.flush();
		System.err.flush();
		System.exit(code);
	}

	/** The command tree; also what the completion script and the documentation test read. */
	public static CommandLine commandLine(PrintStream out, PrintStream err) {
		CommandLine cl = new CommandLine(new Top());
		cl.addSubcommand(new SparkClassify());
		cl.addSubcommand(new SparkEvaluate());
		cl.addSubcommand("help", new CommandLine.HelpCommand());
		return CommandLines.configure(cl, out, err);
	}

	/** The command line's command, or the exit code when parsing already answered (a usage error, help, no command). */
	private record Parsed(CommandLine leaf, Integer exit) {}

	private static Parsed parse(String[] args, PrintStream out, PrintStream err) {
		CommandLine cl = commandLine(out, err);
		CommandLine.ParseResult pr;
		try {
			pr = cl.parseArgs(args);
		} catch (CommandLine.ParameterException e) {
			return new Parsed(null, CommandLines.usageError(PROGRAM, e.getCommandLine(), CommandLines.reason(e), err));
		}
		Integer helped = CommandLine.executeHelpRequest(pr);
		if (helped != null) return new Parsed(null, helped);
		CommandLine leaf = CommandLines.leaf(pr);
		if (leaf == cl) {
			err.print(cl.getUsageMessage());
			return new Parsed(null, 2);
		}
		return new Parsed(leaf, null);
	}

	/** Starts (or joins) a Spark session, runs one command, stops the session it started. */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		Parsed p = parse(args, out, err);
		if (p.exit() != null) return p.exit();
		CommandLine leaf = p.leaf();
		SparkCommand command = (SparkCommand) leaf.getCommand();
		try {
			command.precheck();
		} catch (UsageException e) {
			return CommandLines.usageError(PROGRAM, leaf, e.getMessage(), err);
		} catch (TensorFileException | IllegalArgumentException e) {
			err.println(PROGRAM + ": error: " + oneLine(e.getMessage()));
			return 1;
		}
		SparkSession spark = session(command.job().master, leaf.getCommandName());
		try {
			return run(spark, leaf, command, out, err);
		} finally {
			spark.stop();
		}
	}

	/** Runs one command in an existing session (tests, notebooks). */
	public static int run(SparkSession spark, String[] args, PrintStream out, PrintStream err) {
		Parsed p = parse(args, out, err);
		if (p.exit() != null) return p.exit();
		CommandLine leaf = p.leaf();
		return run(spark, leaf, (SparkCommand) leaf.getCommand(), out, err);
	}

	private static int run(SparkSession spark, CommandLine leaf, SparkCommand command, PrintStream out, PrintStream err) {
		try {
			return command.run(spark, out, err);
		} catch (UsageException e) {
			return CommandLines.usageError(PROGRAM, leaf, e.getMessage(), err);
		} catch (DatasetException | TensorFileException | FileAlreadyExistsException | IllegalArgumentException e) {
			err.println(PROGRAM + ": error: " + oneLine(e.getMessage()));
			return 1;
		} catch (Exception e) {
			// Spark's own exceptions (a failed job) are checked exceptions thrown from Scala code
			err.println(PROGRAM + ": error: " + oneLine(rootMessage(e)));
			return 1;
		}
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
