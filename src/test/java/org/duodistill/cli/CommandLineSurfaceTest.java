package org.duodistill.cli;

import org.duodistill.cli.CommandLineTest.Run;
import org.duodistill.train.TrainingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.duodistill.cli.CommandLineTest.assertFails;
import static org.duodistill.cli.CommandLineTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a new user meets first: per-command help with defaults, --version, suggestions for typos,
 * the usage of the one command misused, and progress on stderr that leaves stdout to the results.
 */
class CommandLineSurfaceTest {
	@TempDir
	Path work;

	static final List<String> COMMANDS = List.of("demo", "train", "evaluate", "classify", "explain", "study", "export", "teachers");

	@Test
	void trainHelpListsTrainsOptionsOnlyEachWithItsMeaningAndDefault() {
		Run r = cli("train", "--help");
		assertEquals(0, r.code(), r.toString());
		assertEquals("", r.err());
		String help = r.out();
		assertTrue(help.startsWith("usage: duodistill train --data DIR|CSV --output MODEL_DIR [OPTIONS]"), help);
		for (String[] optionAndDefault : new String[][] {{"--epochs=N", "(default: 30)"}, {"--batch=N", "(default: 32)"}, {"--lr=X", "(default: 1e-3)"},
				{"--size=N", "(default: 64)"}, {"--method=M", "(default: dual-skd)"}, {"--teacher=", "(default: auto)"},
				{"--calibrate=temperature|none", "(default: temperature)"}, {"--device=auto|cpu|gpu", "(default: auto)"}}) {
			int at = help.indexOf(optionAndDefault[0]);
			assertTrue(at >= 0, optionAndDefault[0] + " in\n" + help);
			int next = help.indexOf("\n      --", at + 1);
			String entry = help.substring(at, next < 0 ? help.length() : next).replaceAll("\\s+", " ");
			assertTrue(entry.contains(optionAndDefault[1]), entry);
		}
		assertFalse(help.contains("--input"), "classify's option is not train's");
		assertFalse(help.contains("evaluate"), "no other command's usage");
	}

	@Test
	void everyCommandHasHelpAndEveryOptionALineOfMeaning() {
		CommandLine cl = Main.commandLine(new Streams(System.out, System.err, false));
		for (String c : COMMANDS) {
			Run r = cli(c, "--help");
			assertEquals(0, r.code(), c + ": " + r);
			assertTrue(r.out().startsWith("usage: duodistill " + c), r.out());
			for (OptionSpec o : cl.getSubcommands().get(c).getCommandSpec().options()) {
				String description = String.join(" ", o.description());
				assertTrue(description.length() > 10, c + " " + o.longestName() + " has no meaning: '" + description + "'");
				assertTrue(r.out().contains(o.longestName()), c + " --help lists " + o.longestName());
			}
		}
		Run top = cli("--help");
		assertEquals(0, top.code());
		for (String c : COMMANDS) assertTrue(Pattern.compile("(?m)^  " + c + " +\\S").matcher(top.out()).find(), c + " in\n" + top.out());
		Run helpTrain = cli("help", "train");
		assertEquals(cli("train", "--help").out(), helpTrain.out(), "help COMMAND is COMMAND --help");
	}

	/** The defaults that train's help shows are the ones training uses: one source of truth, or this fails. */
	@Test
	void theDefaultsShownAreTheDefaultsUsed() throws Exception {
		CommandLine cl = Main.commandLine(new Streams(System.out, System.err, false));
		TrainCommand train = (TrainCommand) CommandLines.leaf(cl.parseArgs("train", "--data", "d", "--output", "o")).getCommand();
		assertEquals(TrainingOptions.defaults(), train.options());
		assertEquals(TrainCommand.DEFAULT_SIZE, train.size);
	}

	@Test
	void versionNamesEveryComponentAndWhetherAGpuIsVisible() {
		Run r = cli("--version");
		assertEquals(0, r.code(), r.toString());
		assertTrue(r.out().matches("(?s)DuoDistill \\d+\\.\\d+\\.\\d+.*"), r.out());
		for (String part : List.of("DJL 0.36.0", "libtorch 2.7.1", "Java " + System.getProperty("java.version"), "GPU: ")) {
			assertTrue(r.out().contains(part), part + " in " + r.out());
		}
		assertEquals(r.out(), cli("-V").out());
	}

	@Test
	void aMistypedOptionOrCommandGetsASuggestionAndOnlyThatCommandsUsage() throws Exception {
		Run option = cli("train", "--data", TinyModel.LABELLED, "--output", work.resolve("m"), "--metod", "kd");
		String reason = assertFails(option, 2, "unknown option --metod", "did you mean --method?");
		assertEquals("duodistill: unknown option --metod; did you mean --method?", reason);
		assertTrue(option.err().contains("usage: duodistill train --data"), option.err());
		for (String other : List.of("classify", "evaluate", "explain", "export", "study", "demo")) {
			assertFalse(option.err().contains("duodistill " + other), "only train's usage: " + option.err());
		}
		Run command = cli("clasify", "--model", TinyModel.MODEL);
		assertFails(command, 2, "unknown command 'clasify'", "did you mean 'classify'");
		assertTrue(command.err().contains("Commands:"), "the list of commands: " + command.err());
		Run value = cli("classify", "--model", TinyModel.MODEL, "--input", TinyModel.UNLABELLED, "--threads", "two");
		assertFails(value, 2, "--threads expects a whole number, got 'two'");
		assertTrue(value.err().contains("usage: duodistill classify --model"), value.err());
		assertEquals(List.of(), CommandLineTest.listing(work));
	}

	@Test
	void classifyOverAFolderShowsProgressWithARateOnStderrAndTheSameCsvOnStdout() throws Exception {
		Run quietDefault = cli("classify", "--model", TinyModel.MODEL, "--input", TinyModel.UNLABELLED, "--threads", "2");
		assertEquals(0, quietDefault.code(), quietDefault.toString());
		assertFalse(quietDefault.err().contains("files/s"), "a run shorter than the interval prints no progress: " + quietDefault.err());

		Run progress = cli("classify", "--model", TinyModel.MODEL, "--input", TinyModel.UNLABELLED, "--threads", "2", "--progress-every", "0");
		assertEquals(0, progress.code(), progress.toString());
		assertEquals(quietDefault.out(), progress.out(), "progress never reaches stdout");
		List<String> lines = progress.errLines();
		Pattern step = Pattern.compile("classify: (\\d)/6 files \\(\\d+%\\), [0-9.]+ files/s(, ETA [0-9.:]+( s)?)?(, image-\\d\\.tif)?");
		int seen = 0;
		for (String l : lines) {
			if (l.startsWith("classify: ") && !l.contains(" in ")) {
				assertTrue(step.matcher(l).matches(), l);
				seen++;
			}
		}
		assertTrue(seen >= 6, "a line per file with its rate:\n" + progress.err());
		assertTrue(lines.get(lines.size() - 1).matches("classify: 6 files in [0-9.:]+( s)? \\([0-9.]+ files/s\\)"), progress.err());
		assertFalse(progress.err().contains("\r"), "not a terminal: plain lines");

		Run quiet = cli("classify", "--model", TinyModel.MODEL, "--input", TinyModel.UNLABELLED, "--threads", "2", "--progress-every", "0", "--quiet");
		assertEquals(0, quiet.code());
		assertEquals("", quiet.err(), "--quiet: no progress");
		assertEquals(quietDefault.out(), quiet.out());
	}

	@Test
	void evaluateExplainAndTrainReportProgressToo() throws Exception {
		Run e = cli("evaluate", "--model", TinyModel.MODEL, "--data", TinyModel.LABELLED, "--progress-every", "0");
		assertEquals(0, e.code(), e.toString());
		assertTrue(e.err().contains("reading: 16/16 files (100%)"), e.err());
		Run x = cli("explain", "--model", TinyModel.MODEL, "--input", TinyModel.UNLABELLED, "--output", work.resolve("maps"), "--method", "gradient",
				"--progress-every", "0");
		assertEquals(0, x.code(), x.toString());
		assertTrue(x.err().contains("explain: 1/6 files") && x.err().lines().anyMatch(l -> l.startsWith("explain: 6 files in ")), x.err());
		Run t = cli("train", "--data", TinyModel.LABELLED, "--output", work.resolve("m"), "--teacher-arch", "resnet10-w8", "--student-arch",
				"resnet10-w4", "--method", "random", "--size", "32", "--epochs", "1", "--batch", "4", "--threads", "2", "--progress-every", "0");
		assertEquals(0, t.code(), t.toString());
		assertTrue(t.err().contains("reading: 16/16 files (100%)"), t.err());
		assertTrue(Pattern.compile("(?m)^student \\S+ epoch 1: \\d+/\\d+ batches \\(\\d+%\\), [0-9.]+ batches/s(, ETA [^,]+)?, loss \\d+\\.\\d{4}$")
				.matcher(t.err()).find(), t.err());
		Run quiet = cli("train", "--data", TinyModel.LABELLED, "--output", work.resolve("q"), "--teacher-arch", "resnet10-w8", "--student-arch",
				"resnet10-w4", "--method", "random", "--size", "32", "--epochs", "1", "--batch", "4", "--threads", "2", "--progress-every", "0", "--quiet");
		assertEquals(0, quiet.code(), quiet.toString());
		assertFalse(quiet.err().contains("batches/s") || quiet.err().contains("files/s") || quiet.err().contains(" epoch   1 "), quiet.err());
	}

	@Test
	void resumeTakesPresentationOptionsButNoOthers() throws Exception {
		Path none = work.resolve("never-trained");
		assertFails(cli("train", "--resume", none, "--quiet"), 1, "nothing to resume");
		assertFails(cli("train", "--resume", none, "--progress-every", "30"), 1, "nothing to resume");
		assertFails(cli("train", "--resume", none, "--epochs", "3"), 2, "--resume DIR takes no other options", "--epochs");
	}

	/** Through main: a real process whose stderr is a file, as in CI. */
	@Test
	void aRealProcessExitsWithTheDocumentedCodes() throws Exception {
		for (Object[] args : List.of(new Object[] {"--version"}, new Object[] {"train", "--help"}, new Object[] {"train", "--frobnicate"},
				new Object[] {"classify", "--model", work.resolve("none"), "--input", work})) {
			Process p = CommandLineTest.process(args).redirectErrorStream(false).start();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
			int code = p.waitFor();
			int expected = args[0].equals("--version") || (args.length > 1 && args[1].equals("--help")) ? 0 : args[1].equals("--frobnicate") ? 2 : 1;
			assertEquals(expected, code, List.of(args) + "\n" + out + err);
			if (expected == 0) assertFalse(out.isEmpty());
			else assertNotEquals("", err);
		}
	}
}
