package org.duodistill.fiji;

import ai.djl.Device;
import org.duodistill.data.ImageReaders;
import org.duodistill.train.Method;
import org.duodistill.train.TrainingJob;
import org.duodistill.train.TrainingListener;
import org.duodistill.train.TrainingOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * Installs the packaged plugin into a real ImageJ 1 exactly as docs/fiji.md says (a fresh ImageJ
 * folder: the stock ij.jar, {@code target/fiji/plugins} and {@code target/fiji/jars} plus
 * {@code target/imagej1/jars}), and runs macros in a separate JVM through ImageJ's own
 * {@code ij.ImageJ} main class: headless with {@code -batch}, and with menus under Xvfb where
 * {@code xvfb-run} exists. Runs after {@code package} (failsafe), since it needs those folders.
 */
class RealImageJIT {
	static final Path TARGET = Path.of("target");

	@TempDir
	static Path dir;
	static Path imagej;
	static Path model;
	static Path images;

	@BeforeAll
	static void install() throws Exception {
		assumeTrue(Files.isDirectory(TARGET.resolve("fiji/plugins")), "run after mvn package: target/fiji is missing");
		imagej = Files.createDirectories(dir.resolve("ImageJ"));
		Path ij = Path.of(ij.IJ.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Files.copy(ij, imagej.resolve("ij.jar"));
		copyAll(TARGET.resolve("fiji/plugins"), imagej.resolve("plugins"));
		copyAll(TARGET.resolve("fiji/jars"), imagej.resolve("jars"));
		copyAll(TARGET.resolve("imagej1/jars"), imagej.resolve("jars"));
		TrainingOptions opt = TrainingOptions.defaults().withMethod(Method.SINGLE_WS).withEpochs(1).withBatch(8);
		Path data = FijiTestData.labelledFolder(dir.resolve("data"), 6);
		model = dir.resolve("model");
		TrainingJob.run(new TrainingJob.Request(data, model, "auto", "resnet10-w8", "resnet10-w4", 32, opt, Device.cpu(), false,
				ImageReaders.standard()), TrainingListener.NONE);
		images = data.resolve("sagittal");
	}

	static void copyAll(Path from, Path to) throws Exception {
		Files.createDirectories(to);
		try (Stream<Path> s = Files.list(from)) {
			for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName()));
		}
	}

	/** Output of one ImageJ run: exit code, stdout, stderr. */
	record Run(int code, String out, String err) {}

	static Run imagej(List<String> prefix, boolean headless, Path macro, String arg) throws Exception {
		List<String> cmd = new ArrayList<>(prefix);
		cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		cmd.add("-Xmx1g");
		if (headless) {
			cmd.add("-Djava.awt.headless=true");
			cmd.add("-Dplugins.dir=" + imagej.toAbsolutePath());
		}
		cmd.addAll(List.of("-jar", imagej.resolve("ij.jar").toAbsolutePath().toString(), "-ijpath", imagej.toAbsolutePath().toString(),
				"-batch", macro.toAbsolutePath().toString(), arg));
		ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
		pb.environment().put("OMP_NUM_THREADS", "1");
		Path out = dir.resolve("stdout.txt");
		Path err = dir.resolve("stderr.txt");
		Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
		boolean finished = p.waitFor(180, TimeUnit.SECONDS);
		if (!finished) p.destroyForcibly();
		assertTrue(finished, "ImageJ did not finish (a dialog waiting?): " + Files.readString(out) + Files.readString(err));
		return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
	}

	@Test
	void theExampleMacroClassifiesAFolderInHeadlessImageJ1() throws Exception {
		Path csv = dir.resolve("example.csv");
		Run r = imagej(List.of(), true, Path.of("macros/classify_files_with_extensions.ijm"), model + "," + images + "," + csv);
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("classified 6 files into 3 classes: axial,coronal,sagittal"), r.out() + r.err());
		List<String> lines = Files.readAllLines(csv);
		assertEquals("file,predicted,confidence,p_axial", lines.get(0));
		assertEquals(7, lines.size(), lines.toString());
		for (String row : lines.subList(1, lines.size())) {
			String[] f = row.split(",");
			assertTrue(FijiTestData.CLASSES.contains(f[1]), row);
			assertTrue(f[2].matches("0\\.\\d{6}|1\\.000000"), "six decimals: " + row);
		}
		assertFalse(r.err().contains("Exception"), r.err());
	}

	@Test
	void extExplainWritesMapsInHeadlessImageJ1() throws Exception {
		Path out = dir.resolve("maps");
		Run r = imagej(List.of(), true, Path.of("src/test/resources/macros/explain_folder.ijm"), model + "," + images + "," + out);
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("explained: " + out.resolve("explanations.csv")), r.out() + r.err());
		List<String> lines = Files.readAllLines(out.resolve("explanations.csv"));
		assertEquals(7, lines.size(), lines.toString());
		try (Stream<Path> s = Files.list(out)) {
			assertEquals(6, s.filter(p -> p.toString().endsWith(".tif")).count());
		}
		assertFalse(r.err().contains("Exception"), r.err());
	}

	@Test
	void badInputEndsTheMacroWithOneClearLine() throws Exception {
		Path macro = Path.of("src/test/resources/macros/bad_input.ijm");
		Path text = Files.writeString(dir.resolve("notes.png"), "not an image\n");
		Path notAModel = Files.createDirectories(dir.resolve("empty-folder"));
		String[][] cases = {{"missing", "", "/no/such/folder/image.png"}, {"text", text.toString(), "notes.png"},
				{"model", notAModel.toString(), "empty-folder"}};
		for (String[] c : cases) {
			Run r = imagej(List.of(), true, macro, model + "," + c[0] + "," + c[1]);
			assertEquals(0, r.code(), r.err());
			assertTrue(r.out().contains("loaded"), c[0] + ": " + r.out() + r.err());
			assertFalse(r.out().contains("not reached"), c[0] + ": the macro ends at the failure");
			List<String> errLines = r.err().lines().filter(l -> !l.isBlank()).toList();
			assertEquals(1, errLines.size(), c[0] + ": one line, no stack trace:\n" + r.err());
			assertTrue(errLines.get(0).startsWith("DuoDistill: ") && errLines.get(0).contains(c[2]), c[0] + ": " + errLines.get(0));
		}
	}

	@Test
	void theMenuCommandEnablesTheExtensionsInImageJ1WithADisplay() throws Exception {
		assumeTrue(onPath("xvfb-run"), "xvfb-run is not installed (Debian package xvfb)");
		Path image = Files.list(images).sorted().findFirst().orElseThrow();
		Run r = imagej(List.of("xvfb-run", "-a"), false, Path.of("src/test/resources/macros/extensions_via_menu.ijm"), model + "," + image);
		assertEquals(0, r.code(), r.err());
		assertTrue(r.out().contains("menu: axial,coronal,sagittal -> "), "plugins.config registered the command:\n" + r.out() + r.err());
	}

	static boolean onPath(String program) {
		for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			if (Files.isExecutable(Path.of(d, program))) return true;
		}
		return false;
	}
}
