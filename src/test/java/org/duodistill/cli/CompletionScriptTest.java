package org.duodistill.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The generated completion script, sourced by a real bash and asked what it completes, as the shell asks it on Tab. */
class CompletionScriptTest {
	@TempDir
	Path dir;

	private List<String> complete(Path script, String line) throws Exception {
		String bash = "source '" + script + "'\n" + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}\n" + "read -r -a COMP_WORDS <<< \"$COMP_LINE\"\n"
				+ (line.endsWith(" ") ? "COMP_WORDS+=('')\n" : "") + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n" + "_complete_duodistill\n"
				+ "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
		// compopt (a no-space hint after an option that wants a value) complains outside a real Tab press: stderr is not the answer
		Process p = new ProcessBuilder("bash", "-c", bash).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertEquals(0, p.waitFor(), out);
		return out.lines().map(String::strip).filter(l -> !l.isEmpty()).sorted().toList();
	}

	@Test
	void completesCommandsOptionsAndTheirFixedValues() throws Exception {
		assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")), "no bash here");
		Path script = dir.resolve("duodistill_completion");
		Files.writeString(script, CompletionScript.text());
		assertEquals(List.of("teachers", "train"), complete(script, "duodistill t"));
		assertEquals(List.of("--method"), complete(script, "duodistill train --meth"));
		assertEquals(List.of("dual-skd", "kd", "random", "single-ws", "teacher", "ws-ema"), complete(script, "duodistill train --method "));
		assertEquals(List.of("axial", "coronal", "sagittal"), complete(script, "duodistill classify --plane "));
		List<String> classify = complete(script, "duodistill classify --");
		assertTrue(classify.containsAll(List.of("--model", "--input", "--output", "--plane", "--quiet", "--progress-every")), classify.toString());
		assertTrue(!classify.contains("--epochs"), "train's option is not classify's: " + classify);
	}
}
