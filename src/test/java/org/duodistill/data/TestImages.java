package org.duodistill.data;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writes real image files with ImageJ 1 for the data tests, and finds the committed sample images. */
final class TestImages {
	/** The committed sample PNGs (tests run in the project root, like PipelineTest). */
	static final Path SAMPLES = Path.of("sample-images");

	private TestImages() {}

	/** A smooth, non-constant 8-bit pattern in 0..255. */
	static int pattern(int x, int y, int w, int h) {
		return (int) Math.round(255.0 * (0.6 * x / (w - 1) + 0.4 * ((double) (y * y) / ((h - 1) * (h - 1)))));
	}

	static Path gray8Tiff(Path file, int w, int h, IntBinaryOperator value) throws IOException {
		ByteProcessor ip = new ByteProcessor(w, h);
		for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) ip.set(x, y, value.applyAsInt(x, y));
		return save(new ImagePlus(file.getFileName().toString(), ip), file, "tif");
	}

	static Path gray16Tiff(Path file, int w, int h, IntBinaryOperator value) throws IOException {
		ShortProcessor ip = new ShortProcessor(w, h);
		for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) ip.set(x, y, value.applyAsInt(x, y));
		return save(new ImagePlus(file.getFileName().toString(), ip), file, "tif");
	}

	static Path float32Tiff(Path file, int w, int h, FloatFn value) throws IOException {
		FloatProcessor ip = new FloatProcessor(w, h);
		for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) ip.setf(x, y, value.at(x, y));
		return save(new ImagePlus(file.getFileName().toString(), ip), file, "tif");
	}

	/** A truly coloured RGB PNG (not grey, so no reader may reduce it to one channel). */
	static Path rgbPng(Path file, int w, int h) throws IOException {
		ColorProcessor ip = new ColorProcessor(w, h);
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				int r = 255 * x / (w - 1);
				int g = 255 * y / (h - 1);
				int b = 255 - r;
				ip.set(x, y, (r << 16) | (g << 8) | b);
			}
		}
		return save(new ImagePlus(file.getFileName().toString(), ip), file, "png");
	}

	/** An 8-bit stack whose slice s (1-based) is bright (200) for x < 6*s, dark (10) elsewhere. */
	static Path stack8Tiff(Path file, int w, int h, int slices) throws IOException {
		ImageStack st = new ImageStack(w, h);
		for (int s = 1; s <= slices; s++) {
			ByteProcessor ip = new ByteProcessor(w, h);
			for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) ip.set(x, y, x < 6 * s ? 200 : 10);
			st.addSlice("slice " + s, ip);
		}
		ImagePlus imp = new ImagePlus(file.getFileName().toString(), st);
		Files.createDirectories(file.getParent());
		assertTrue(new FileSaver(imp).saveAsTiffStack(file.toString()), "could not write " + file);
		return file;
	}

	private static Path save(ImagePlus imp, Path file, String kind) throws IOException {
		Files.createDirectories(file.getParent());
		FileSaver fs = new FileSaver(imp);
		boolean ok = kind.equals("png") ? fs.saveAsPng(file.toString()) : fs.saveAsTiff(file.toString());
		assertTrue(ok && Files.size(file) > 0, "could not write " + file);
		return file;
	}

	/** The i-th committed sample PNG of a plane (axial, coronal, sagittal), in name order. */
	static Path sample(String plane, int i) throws IOException {
		return samples(plane).get(i);
	}

	static List<Path> samples(String plane) throws IOException {
		try (Stream<Path> s = Files.list(SAMPLES.resolve(plane))) {
			List<Path> files = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
			assertTrue(files.size() >= 10, "committed sample images missing in " + SAMPLES.toAbsolutePath());
			return files;
		}
	}

	/** Copies committed sample PNGs into a class folder. */
	static void copySamples(String plane, int count, Path classDir) throws IOException {
		Files.createDirectories(classDir);
		List<Path> src = samples(plane);
		for (int i = 0; i < count; i++) Files.copy(src.get(i), classDir.resolve(src.get(i).getFileName()));
	}

	/** The first {@code n} bytes of a real PNG: a valid signature and header, then nothing. */
	static byte[] truncatedPng(int n) throws IOException {
		return Arrays.copyOf(Files.readAllBytes(sample("axial", 20)), n);
	}

	@FunctionalInterface
	interface FloatFn {
		float at(int x, int y);
	}
}
