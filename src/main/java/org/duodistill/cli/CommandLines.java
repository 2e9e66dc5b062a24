package org.duodistill.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * picocli set up the way DuoDistill's command lines behave (duodistill and duodistill-spark), and
 * their usage errors: one line {@code PROGRAM: reason} (with "did you mean" when a word is close to
 * a known one), then the synopsis of the one command that was misused. Exit code 2.
 */
public final class CommandLines {
	private CommandLines() {}

	/**
	 * The parser's settings for a command tree. The last of a repeated option wins (scripts append
	 * overrides, as the hand-written parser allowed); {@code @name} is a path, not an argument file.
	 */
	public static CommandLine configure(CommandLine cl, PrintStream out, PrintStream err) {
		cl.setOverwrittenOptionsAllowed(true);
		cl.setExpandAtFiles(false);
		cl.setOut(new PrintWriter(out, true));
		cl.setErr(new PrintWriter(err, true));
		style(cl);
		return cl;
	}

	private static void style(CommandLine cl) {
		CommandLine.Model.UsageMessageSpec u = cl.getCommandSpec().usageMessage();
		u.synopsisHeading("usage: ").width(100).autoWidth(false).sortOptions(false).abbreviateSynopsis(false)
				.optionListHeading("%nOptions:%n").commandListHeading("%nCommands:%n");
		for (CommandLine sub : cl.getSubcommands().values()) style(sub);
	}

	/** The one-line reason for a parse error, in the words the hand-written parser used. */
	public static String reason(CommandLine.ParameterException e) {
		CommandLine where = e.getCommandLine();
		if (e instanceof CommandLine.UnmatchedArgumentException u) {
			List<String> unmatched = u.getUnmatched();
			String first = unmatched.isEmpty() ? "?" : unmatched.get(0);
			String word;
			if (first.startsWith("-")) {
				int eq = first.indexOf('=');
				word = "unknown option " + (eq > 0 ? first.substring(0, eq) : first);
			} else if (!where.getSubcommands().isEmpty() && where.getParent() == null) {
				word = "unknown command '" + first + "'";
			} else {
				word = "unexpected argument '" + first + "'";
			}
			List<String> suggestions = new ArrayList<>();
			for (String s : u.getSuggestions()) {
				String said = s.startsWith("-") ? s : "'" + s + "'";
				if (!s.equals("help") && !suggestions.contains(said)) suggestions.add(said);
			}
			if (!suggestions.isEmpty()) word += "; did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?";
			return word;
		}
		if (e instanceof CommandLine.MissingParameterException m) {
			String msg = e.getMessage() == null ? "" : e.getMessage();
			List<String> names = new ArrayList<>();
			for (ArgSpec a : m.getMissing()) names.add(a instanceof OptionSpec o ? o.longestName() : a.paramLabel());
			if (msg.startsWith("Missing required parameter for option") || msg.startsWith("Expected parameter for option")) {
				return names.get(0) + " needs a value";
			}
			List<String> said = new ArrayList<>();
			for (String n : names) said.add(n + " is required");
			return String.join("; ", said);
		}
		ArgSpec arg = e.getArgSpec();
		if (arg instanceof OptionSpec o && e.getValue() != null) {
			Class<?> t = o.type();
			String kind = t == int.class || t == Integer.class || t == long.class || t == Long.class ? "a whole number"
					: t == double.class || t == Double.class ? "a number" : t == boolean.class || t == Boolean.class ? "true or false" : null;
			if (kind != null) return o.longestName() + " expects " + kind + ", got '" + e.getValue() + "'";
		}
		String msg = e.getMessage() == null ? "wrong usage" : e.getMessage();
		return msg.isEmpty() ? msg : msg.substring(0, 1).toLowerCase(Locale.ROOT) + msg.substring(1);
	}

	/**
	 * Prints a usage error: the reason, the misused command's synopsis (a command with subcommands:
	 * its whole short help, the list of commands) and where its options are listed. Returns 2.
	 */
	public static int usageError(String program, CommandLine where, String reason, PrintStream err) {
		err.println(program + ": " + oneLine(reason));
		if (!where.getSubcommands().isEmpty()) {
			err.print(where.getUsageMessage());
		} else {
			CommandLine.Help help = where.getHelp();
			err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
			err.println("'" + where.getCommandSpec().qualifiedName() + " --help' lists its options with their defaults.");
		}
		err.flush();
		return 2;
	}

	/** The command the arguments name: the deepest subcommand matched. */
	public static CommandLine leaf(CommandLine.ParseResult pr) {
		List<CommandLine> chain = pr.asCommandLineList();
		return chain.get(chain.size() - 1);
	}

	/** A path option's value; an empty one is as good as missing (Path.of("") would be the working folder). */
	static java.nio.file.Path path(String value, String option) throws UsageException {
		if (value == null || value.isBlank()) throw new UsageException(option + " is required");
		return java.nio.file.Path.of(value);
	}

	static String oneLine(String s) {
		return s == null ? "(no message)" : s.replace('\n', ' ').replace('\r', ' ');
	}
}
