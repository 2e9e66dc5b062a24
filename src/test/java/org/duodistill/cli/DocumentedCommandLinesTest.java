package org.duodistill.cli;

import org.duodistill.cli.CommandLineTest.Run;
import org.duodistill.cli.DocumentedCommandLines.Kind;
import org.duodistill.cli.DocumentedCommandLines.Shown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code duodistill} command line shown in README.md and docs/*.md is accepted by today's
 * parser (paths substituted by this test's own small data), and the cheap ones (teachers, classify,
 * evaluate, export) run to exit code 0, so the documentation cannot drift from the command line.
 * The {@code duodistill-spark} lines are the Spark module's test (DocumentedSparkCommandLinesTest).
 */
class DocumentedCommandLinesTest {
	static final Path ROOT = Path.of("").toAbsolutePath();
	static final Set<String> RUN_FULLY = Set.of("teachers", "classify", "evaluate", "export");

	@TempDir
	Path work;

	@Test
	void everyDocumentedCommandLineIsAcceptedAndTheCheapOnesRun() throws Exception {
		List<Shown> shown = DocumentedCommandLines.in(ROOT).stream().filter(s -> s.program().equals("duodistill")).toList();
		Set<String> commands = new TreeSet<>();
		List<String> refused = new ArrayList<>();
		int complete = 0;
		int ran = 0;
		for (Shown s : shown) {
			commands.add(s.args().get(0));
			CommandLine cl = Main.commandLine(new Streams(System.out, System.err, false));
			List<String> args = substituted(s, cl, this::fresh);
			try {
				CommandLine.ParseResult pr = cl.parseArgs(args.toArray(new String[0]));
				Object command = CommandLines.leaf(pr).getCommand();
				if (s.kind() == Kind.COMPLETE && command instanceof TrainCommand t) t.options(); // the names of methods, selectors, modes
			} catch (CommandLine.MissingParameterException e) {
				if (s.kind() == Kind.COMPLETE) refused.add(s + "\n    as " + args + "\n    -> " + CommandLines.reason(e));
				continue;
			} catch (CommandLine.ParameterException e) {
				refused.add(s + "\n    as " + args + "\n    -> " + CommandLines.reason(e));
				continue;
			} catch (UsageException | IllegalArgumentException e) {
				refused.add(s + "\n    as " + args + "\n    -> " + e.getMessage());
				continue;
			}
			if (s.kind() != Kind.COMPLETE) continue;
			complete++;
			if (RUN_FULLY.contains(args.get(0))) {
				List<Object> all = new ArrayList<>(args);
				if (args.get(0).equals("classify") || args.get(0).equals("evaluate")) all.addAll(List.of("--threads", "2"));
				Run r = CommandLineTest.cli(all.toArray());
				if (r.code() != 0) refused.add(s + "\n    ran as " + all + "\n    -> " + r);
				ran++;
			}
		}
		assertEquals(List.of(), refused, "documented command lines the command line no longer accepts");
		assertEquals(DocumentedCommandLines.COMMANDS, commands, "every command is shown somewhere (or the search for them broke)");
		assertTrue(complete >= 8 && ran >= 3, complete + " complete lines, " + ran + " run: the documents show more");
	}

	/** The extraction itself, on a document written for it. */
	@Test
	void findsCodeBlocksContinuationsSynopsesAndInlineSpans() {
		List<String> doc = List.of("Run `bin/duodistill classify --model M --input DIR` or `train --method teacher",
				"--epochs 2` here; `duodistill: error: x` is not one.", "", "```", "bin/duodistill teachers   # the catalogue",
				"JAVA_OPTS=-Xmx8g bin/duodistill export --model /m \\", "    --output out.safetensors", "mvn -q compile exec:java -Dexec.args=\"demo --epochs 3\"",
				"train    --data DIR|CSV --output MODEL_DIR [--teacher auto|FILE]", "         [--mutual[=false]] [--ema M | --ema-half-life F]",
				"teachers                 (the catalogue)", "```");
		List<Shown> s = DocumentedCommandLines.in("x.md", doc);
		List<String> said = s.stream().map(Shown::toString).toList();
		assertEquals(List.of("x.md:1: duodistill classify --model M --input DIR", "x.md:1: duodistill train --method teacher --epochs 2",
				"x.md:5: duodistill teachers", "x.md:6: duodistill export --model /m --output out.safetensors",
				"x.md:8: duodistill demo --epochs 3",
				"x.md:9: duodistill train --data DIR --output MODEL_DIR --teacher auto --mutual=false --ema M --ema-half-life F"), said);
		assertEquals(List.of(Kind.FRAGMENT, Kind.FRAGMENT, Kind.COMPLETE, Kind.COMPLETE, Kind.COMPLETE, Kind.FRAGMENT), s.stream().map(Shown::kind).toList());
	}

	private int outputs;

	private Path fresh(String shown) {
		String name = Path.of(shown.replace("*", "x")).getFileName().toString();
		return work.resolve((outputs++) + "-" + name);
	}

	/**
	 * The words to parse: the test's data for data, model and input; fresh paths for outputs (their
	 * names kept, for the extension); a number of the option's type for a placeholder such as N.
	 */
	static List<String> substituted(Shown s, CommandLine cl, Function<String, Path> fresh) {
		List<String> in = s.args();
		List<String> out = new ArrayList<>(List.of(in.get(0)));
		CommandLine sub = cl.getSubcommands().get(in.get(0));
		CommandSpec spec = sub == null ? null : sub.getCommandSpec();
		for (int i = 1; i < in.size(); i++) {
			String w = in.get(i);
			OptionSpec o = spec == null || !w.startsWith("--") ? null : spec.findOption(w.contains("=") ? w.substring(0, w.indexOf('=')) : w);
			if (o == null || o.arity().max() == 0 || w.contains("=") || i + 1 >= in.size() || in.get(i + 1).startsWith("--")) {
				out.add(w);
				continue;
			}
			out.add(w);
			out.add(value(o, in.get(++i), s.kind(), fresh));
		}
		return out;
	}

	static String value(OptionSpec o, String shown, Kind kind, Function<String, Path> fresh) {
		Class<?> t = o.type();
		if (shown.matches("[A-Z][A-Z_]*")) {
			if (t == int.class || t == Integer.class) return "2";
			if (t == double.class || t == Double.class) return "0.5";
		}
		if (kind != Kind.COMPLETE) return shown;
		return switch (o.longestName()) {
			case "--data" -> TinyModel.LABELLED.toString();
			case "--model" -> TinyModel.MODEL.toString();
			case "--input" -> TinyModel.UNLABELLED.toString();
			case "--output", "--resume" -> fresh.apply(shown).toString();
			case "--teacher" -> shown.equals("auto") || shown.startsWith("hf-hub:") ? shown : TinyModel.MODEL.toString();
			default -> shown;
		};
	}
}
