package org.duodistill.cli;

import org.duodistill.data.DatasetException;
import org.duodistill.model.TensorFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.util.concurrent.Callable;

/**
 * Command line: {@code demo}, {@code train}, {@code evaluate}, {@code classify}, {@code explain}, {@code study},
 * {@code export}, {@code teachers}, parsed by picocli. Exit code 0 on success, 1 when the work
 * failed, 2 for wrong usage; failures print one line on stderr (usage errors then the synopsis of the
 * misused command). {@code --help} after any command lists its options with their defaults.
 */
public final class Main {
	static final String PROGRAM = "duodistill";

	private Main() {}

	public static void main(String[] args) {
		if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
		int code = run(args, System.out, System.err, StatusLine.stderrIsTerminal());
		System.out.flush();
		System.err.flush();
		System.exit(code);
	}

	/** Runs one command; never calls System.exit, so tests can call it. Progress is in plain lines ({@code err} is no terminal). */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		return run(args, out, err, false);
	}

	static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
		Streams io = new Streams(out, err, terminal);
		CommandLine cl = commandLine(io);
		CommandLine.ParseResult pr;
		try {
			pr = cl.parseArgs(args);
		} catch (CommandLine.ParameterException e) {
			return CommandLines.usageError(PROGRAM, e.getCommandLine(), CommandLines.reason(e), err);
		}
		Integer helped = CommandLine.executeHelpRequest(pr);
		if (helped != null) return helped;
		CommandLine leaf = CommandLines.leaf(pr);
		if (leaf == cl) { // no command: the list of commands, as a usage error
			err.print(cl.getUsageMessage());
			return 2;
		}
		// Libraries print on System.out (ImageJ reports a truncated PNG there in headless mode); stdout
		// carries CSV, so while a command runs anything printed that way goes to stderr instead.
		PrintStream systemOut = System.out;
		System.setOut(err);
		try {
			return ((Callable<?>) leaf.getCommand()).call() instanceof Integer code ? code : 0;
		} catch (UsageException e) {
			return CommandLines.usageError(PROGRAM, leaf, e.getMessage(), err);
		} catch (DatasetException | TensorFileException | org.duodistill.hub.HubException | FileAlreadyExistsException | IllegalArgumentException
				| org.duodistill.train.TrainingDiverged | TrainCommand.OutOfMemory e) {
			err.println(PROGRAM + ": error: " + oneLine(e.getMessage()));
			return 1;
		} catch (IOException e) {
			err.println(PROGRAM + ": error: " + oneLine(e.toString()));
			return 1;
		} catch (java.io.UncheckedIOException e) {
			err.println(PROGRAM + ": error: " + oneLine(e.getMessage() + " (" + e.getCause().getMessage() + ")"));
			return 1;
		} catch (Exception | OutOfMemoryError e) {
			err.println(PROGRAM + ": internal error: " + oneLine(e.toString()));
			return 1;
		} finally {
			System.setOut(systemOut);
		}
	}

	/** The whole command tree, its commands writing to {@code io}. Also what the completion script is generated from. */
	static CommandLine commandLine(Streams io) {
		CommandLine cl = new CommandLine(new Top());
		cl.addSubcommand(new DemoCommand(io));
		cl.addSubcommand(new TrainCommand(io));
		cl.addSubcommand(new EvaluateCommand(io));
		cl.addSubcommand(new ClassifyCommand(io));
		cl.addSubcommand(new ExplainCommand(io));
		cl.addSubcommand(new StudyCommand(io));
		cl.addSubcommand(new ExportCommand(io));
		cl.addSubcommand(new TeachersCommand(io));
		cl.addSubcommand("help", new CommandLine.HelpCommand());
		return CommandLines.configure(cl, io.out(), io.err());
	}

	@Command(name = PROGRAM, mixinStandardHelpOptions = true, versionProvider = Versions.class,
			customSynopsis = {"duodistill COMMAND [OPTIONS]", "       duodistill COMMAND --help   (that command's options, each with its default)"},
			description = {"Trains small medical image classifiers by dual-model weight selection and self-knowledge",
					"distillation, and classifies, evaluates, explains and exports with them.",
					"Exit code 0 on success, 1 when the work failed, 2 for wrong usage. Results go to stdout or",
					"files; progress and messages to stderr."})
	static final class Top {}

	static String oneLine(String s) {
		return CommandLines.oneLine(s);
	}
}
