package org.duodistill.data;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console of a real JVM that reads images and starts the engine with Bio-Formats' jars first
 * on the class path, as a user who puts {@code bioformats_package.jar} next to the command line
 * does: Logback (which that jar bundles) becomes the SLF4J provider and, unconfigured, would log
 * DJL and Bio-Formats at DEBUG; ImageJ would print why it cannot open compressed DICOM.
 */
public class QuietConsoleTest {
	@Test
	void readingFilesAndStartingTheEnginePrintsOnlyWhatWeSay() throws Exception {
		Path jars = BioFormatsRealLibraryTest.jars();
		assumeTrue(Files.isDirectory(jars), "real Bio-Formats jars not found at " + jars.toAbsolutePath());
		List<String> cp = new ArrayList<>();
		try (Stream<Path> s = Files.list(jars)) {
			s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> cp.add(p.toAbsolutePath().toString()));
		}
		cp.add(testClassPath());
		Path dicom = Path.of("src/test/resources/data/dicom");
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
				"-Dai.djl.offline=true", "-Djava.awt.headless=true", "-cp", String.join(File.pathSeparator, cp), ReadFilesMain.class.getName(),
				dicom.resolve("MR_small.dcm").toString(), dicom.resolve("JPEG2000.dcm").toString(), dicom.resolve("JPEG-lossy.dcm").toString(),
				dicom.resolve("MR_small_jpeg_ls_lossless.dcm").toString(), Path.of("src/test/resources/data/bioformats/slide.svs").toString()));
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		byte[] out = p.getInputStream().readAllBytes();
		assertTrue(p.waitFor(120, TimeUnit.SECONDS));
		String console = new String(out, StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), console);
		// SLF4J's own notes on which provider it chose, and warnings, may stay
		List<String> lines = console.lines().filter(l -> !l.startsWith("SLF4J") && !l.contains(" WARN ")).toList();
		assertTrue(lines.stream().anyMatch(l -> l.contains("JPEG2000.dcm by Bio-Formats")), console);
		assertTrue(lines.stream().anyMatch(l -> l.startsWith("skipped") && l.contains("JPEG-lossy.dcm") && l.contains("ImageJ cannot open compressed DICOM")),
				console);
		assertTrue(lines.stream().anyMatch(l -> l.startsWith("engine 2.0")), console);
		assertFalse(console.contains("DEBUG") || console.contains(" INFO "), "no library logging below WARN:\n" + console);
		assertEquals(6, lines.size(), "one line per file and one for the engine, nothing else:\n" + console);
		assertTrue(console.lines().count() < 20, console);
	}

	/** The class path this test runs with (surefire may hide it behind a manifest-only jar). */
	public static String testClassPath() {
		String surefire = System.getProperty("surefire.test.class.path");
		return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
	}
}
