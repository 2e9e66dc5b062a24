package org.duodistill.spark;

import org.duodistill.cli.CommandLines;
import org.duodistill.cli.DocumentedCommandLines;
import org.duodistill.cli.DocumentedCommandLines.Kind;
import org.duodistill.cli.DocumentedCommandLines.Shown;
import org.duodistill.cli.UsageException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code duodistill-spark} command line shown in README.md and docs/*.md (spark-submit's
 * included) is accepted by the Spark job's parser, and the first complete one of each command runs
 * in this JVM's local session to exit code 0 on the fixture's images, its paths substituted.
 */
class DocumentedSparkCommandLinesTest {
	@Test
	void everyDocumentedSparkCommandLineIsAcceptedAndRuns() {
		List<Shown> shown = DocumentedCommandLines.in(Path.of("..").toAbsolutePath().normalize()).stream()
				.filter(s -> s.program().equals("duodistill-spark")).toList();
		List<String> refused = new ArrayList<>();
		java.util.Set<String> ranCommands = new java.util.HashSet<>();
		int complete = 0;
		for (int n = 0; n < shown.size(); n++) {
			Shown s = shown.get(n);
			CommandLine cl = SparkMain.commandLine(System.out, System.err);
			List<String> args = substituted(s, cl, n);
			try {
				CommandLine.ParseResult pr = cl.parseArgs(args.toArray(new String[0]));
				((SparkMain.SparkCommand) CommandLines.leaf(pr).getCommand()).job().check();
			} catch (CommandLine.MissingParameterException e) {
				if (s.kind() == Kind.COMPLETE) refused.add(s + " -> " + CommandLines.reason(e));
				continue;
			} catch (CommandLine.ParameterException e) {
				refused.add(s + "\n    as " + args + "\n    -> " + CommandLines.reason(e));
				continue;
			} catch (UsageException e) {
				refused.add(s + "\n    as " + args + "\n    -> " + e.getMessage());
				continue;
			}
			if (s.kind() != Kind.COMPLETE) continue;
			complete++;
			if (!ranCommands.add(args.get(0))) continue; // one full run per command: each costs a Spark job
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			ByteArrayOutputStream err = new ByteArrayOutputStream();
			int code = SparkMain.run(SparkFixture.spark, args.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
					new PrintStream(err, true, StandardCharsets.UTF_8));
			if (code != 0) refused.add(s + "\n    ran as " + args + "\n    -> exit " + code + ": " + err.toString(StandardCharsets.UTF_8));
		}
		assertEquals(List.of(), refused, "documented Spark command lines the parser no longer accepts");
		assertTrue(complete >= 4, complete + " complete Spark lines: the documents show more (README, docs/spark.md, spark-submit)");
		assertEquals(java.util.Set.of("classify", "evaluate"), ranCommands);
	}

	/** The fixture's images and model for input, data and model; fresh paths (names kept) for outputs; --master is this session's. */
	static List<String> substituted(Shown s, CommandLine cl, int n) {
		List<String> in = s.args();
		List<String> out = new ArrayList<>(List.of(in.get(0)));
		var spec = cl.getSubcommands().get(in.get(0)).getCommandSpec();
		for (int i = 1; i < in.size(); i++) {
			String w = in.get(i);
			OptionSpec o = w.startsWith("--") && !w.contains("=") ? spec.findOption(w) : null;
			if (o == null || o.arity().max() == 0 || i + 1 >= in.size()) {
				out.add(w);
				continue;
			}
			String v = in.get(++i);
			if (v.matches("[A-Z][A-Z_]*") && o.type() == int.class) v = "2";
			if (s.kind() == Kind.COMPLETE) {
				switch (o.longestName()) {
					case "--model" -> v = SparkFixture.model.toString();
					case "--input" -> v = SparkFixture.images.toString();
					case "--data" -> v = SparkFixture.labelled.toString();
					case "--output" -> v = SparkFixture.tmp.resolve("documented-" + n + "-" + Path.of(v).getFileName()).toString();
					case "--master" -> {
						continue; // the test's own local session runs it
					}
					default -> { }
				}
			}
			out.add(w);
			out.add(v);
		}
		return out;
	}
}
