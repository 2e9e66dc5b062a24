package org.duodistill.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The repository's launchers (bin/duodistill, bin/duodistill-spark) run as a user runs them: a process of their own, from the repository root. */
final class Launchers {
	static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	record Run(int code, String out, String err) {}

	private Launchers() {}

	/** {@code bin/<launcher> args...} with {@code env} added to the environment; output kept in files under {@code scratch}. */
	static Run run(Path scratch, Map<String, String> env, String launcher, String... args) throws IOException, InterruptedException {
		List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin").resolve(launcher).toString()));
		cmd.addAll(List.of(args));
		Path out = Files.createTempFile(scratch, "out", ".txt");
		Path err = Files.createTempFile(scratch, "err", ".txt");
		ProcessBuilder b = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
		b.environment().putAll(env);
		Process p = b.start();
		assertTrue(p.waitFor(5, TimeUnit.MINUTES), "finished: " + cmd);
		return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
	}
}
