package org.duodistill.fiji;

import org.duodistill.model.HostTensor;
import org.duodistill.model.SafeTensors;
import org.duodistill.train.TrainingJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes, as a user's would be: a training started from Fiji's dialog (its macro form, with
 * the method's options away from their defaults) and killed with -9 continues, by Resume Training...
 * or by {@code duodistill train --resume}, to exactly the model the command line gives for the same
 * options uninterrupted (each JVM with one engine thread), cutting volumes in the plane chosen.
 */
class FijiResumeTest {
	@TempDir
	static Path dir;
	static Path data;

	@BeforeAll
	static void data() throws Exception {
		data = FijiTestData.labelledFolder(dir, 8);
	}

	static final String FIJI_OPTIONS = "method=dual-skd teacher=auto teacher_arch=resnet10-w8 student_arch=resnet10-w4 teacher_channels=sum"
			+ " size=32 epochs=5 batch=8 lr=0.001 seed=3 train_fraction=1 calibrate=temperature device=cpu plane=coronal slice_axis=z slice_step=1"
			+ " central_slices=0 skip_empty=0 ema_half_life=0.2 ema=0 aux_bn=ema selector_a=uniform(0) selector_b=consecutive(1)"
			+ " head_probe checkpoint_every=1 divergence_retries=1 threads=1";

	static final List<String> CLI = List.of("train", "--method", "dual-skd", "--teacher", "auto", "--teacher-arch", "resnet10-w8",
			"--student-arch", "resnet10-w4", "--size", "32", "--plane", "coronal", "--epochs", "5", "--batch", "8", "--lr", "0.001", "--seed", "3", "--device", "cpu",
			"--threads", "1", "--ema-half-life", "0.2", "--aux-bn", "ema", "--selector-b", "consecutive(1)", "--head-probe", "--mutual=false",
			"--deploy-best-of-a-b=false");

	static ProcessBuilder java(String main, String... args) {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
				"-Dai.djl.offline=true", "-Djava.awt.headless=true", "-cp", org.duodistill.data.QuietConsoleTest.testClassPath(), main));
		cmd.addAll(List.of(args));
		return new ProcessBuilder(cmd).redirectErrorStream(true);
	}

	static ProcessBuilder fiji(Class<?> command, String options) {
		return java(MacroCommandRunner.class.getName(), command.getName(), options);
	}

	static String runToEnd(ProcessBuilder pb) throws Exception {
		Process p = pb.start();
		String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(p.waitFor(300, TimeUnit.SECONDS));
		assertEquals(0, p.exitValue(), output);
		return output;
	}

	/** Starts {@code pb} and kills it with -9 once {@code trigger} appears in the run's checkpoint folder. */
	static void killWhenWritten(ProcessBuilder pb, Path output, String trigger) throws Exception {
		Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
		Path seen = null;
		try {
			long t0 = System.nanoTime();
			while (seen == null && p.isAlive() && System.nanoTime() - t0 < 180e9) {
				try (var list = Files.list(TrainingJob.checkpointFolder(output))) {
					seen = list.filter(f -> f.getFileName().toString().equals(trigger)).findFirst().orElse(null);
				} catch (java.io.IOException e) {
					// not created yet
				}
				Thread.sleep(10);
			}
		} finally {
			p.destroyForcibly();
			p.waitFor();
		}
		assertTrue(seen != null, trigger + " written before the kill");
		assertFalse(Files.exists(output.resolve("model.json")), "killed: no model");
	}

	@Test
	void aFijiRunKilledWithMinus9ResumesToTheModelTheCommandLineGives() throws Exception {
		Path whole = dir.resolve("cli-uninterrupted");
		List<String> ref = new ArrayList<>(CLI);
		ref.addAll(List.of("--data", data.toString(), "--output", whole.toString()));
		runToEnd(java("org.duodistill.cli.Main", ref.toArray(new String[0])));

		// killed while the students train: Resume Training... (its macro form) continues it
		Path byFiji = dir.resolve("fiji-killed");
		killWhenWritten(fiji(TrainClassifierAdvancedCommand.class, "data=[" + data + "] output=[" + byFiji + "] " + FIJI_OPTIONS), byFiji,
				"trainer-1-student.safetensors");
		assertTrue(TrainingJob.runArguments(byFiji).contains("--ema-half-life"), "the run's arguments are in the command line's form");
		String said = runToEnd(fiji(ResumeTrainingCommand.class, "model=[" + dir + "]")); // the folder it was written in: the run is found
		assertTrue(said.contains("summary: " + byFiji), said);
		assertTrue(said.contains("student: resuming"), "continued from the student's checkpoint, not started again: " + said);
		assertSameModel(whole, byFiji);

		// killed while the teacher trains: the command line's train --resume continues a run Fiji started
		Path byCli = dir.resolve("fiji-killed-2");
		killWhenWritten(fiji(TrainClassifierAdvancedCommand.class, "data=[" + data + "] output=[" + byCli + "] " + FIJI_OPTIONS), byCli,
				"trainer-0-teacher.safetensors");
		String cli = runToEnd(java("org.duodistill.cli.Main", "train", "--resume", byCli.toString()));
		assertTrue(cli.contains("teacher: resuming"), cli);
		assertSameModel(whole, byCli);
		assertFalse(Files.exists(TrainingJob.checkpointFolder(byCli)), "checkpoints are removed once the model is written");
	}

	static void assertSameModel(Path expected, Path actual) throws Exception {
		Map<String, HostTensor> a = SafeTensors.read(expected.resolve("weights.safetensors"));
		Map<String, HostTensor> b = SafeTensors.read(actual.resolve("weights.safetensors"));
		assertEquals(a.keySet(), b.keySet());
		for (String k : a.keySet()) assertArrayEquals(a.get(k).data(), b.get(k).data(), actual + " " + k + ": bitwise equal to the command line's");
		var oa = com.google.gson.JsonParser.parseString(Files.readString(expected.resolve("model.json"))).getAsJsonObject().get("options");
		var ob = com.google.gson.JsonParser.parseString(Files.readString(actual.resolve("model.json"))).getAsJsonObject().get("options");
		assertEquals(oa, ob, "the same options recorded");
		var sa = com.google.gson.JsonParser.parseString(Files.readString(expected.resolve("model.json"))).getAsJsonObject().getAsJsonObject("dataset");
		var sb = com.google.gson.JsonParser.parseString(Files.readString(actual.resolve("model.json"))).getAsJsonObject().getAsJsonObject("dataset");
		assertEquals("coronal", sb.getAsJsonObject("slices").get("plane").getAsString(), "the plane chosen in the dialog survives the kill and the resume");
		assertEquals(sa.get("slices"), sb.get("slices"));
		List<String> h1 = Files.readAllLines(expected.resolve("history.csv"));
		List<String> h2 = Files.readAllLines(actual.resolve("history.csv"));
		assertEquals(h1.size(), h2.size());
		for (int i = 0; i < h1.size(); i++) {
			assertEquals(List.of(h1.get(i).split(",")).subList(0, 11), List.of(h2.get(i).split(",")).subList(0, 11), "history row " + i);
		}
	}
}
