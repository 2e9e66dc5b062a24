package org.duodistill.infer;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Images where a bright shape at a random place decides the class: a horizontal or a vertical bar
 * (the same pixels turned, so nothing but the shape's own pixels tells the classes apart: no
 * brightness or histogram difference a model could use instead), on a background of smooth dim
 * texture, noise and dim distractor blobs. Written as 8-bit PNGs in class folders; each image's shape box is the ground truth of
 * where an explanation should point.
 */
public final class ShapeImages {
	public static final List<String> CLASSES = List.of("horizontal", "vertical");

	/** One written image and where its shape is (inclusive pixel bounds). */
	public record Shape(Path file, String label, int x0, int y0, int x1, int y1) {
		public boolean contains(int x, int y, int margin) {
			return x >= x0 - margin && x <= x1 + margin && y >= y0 - margin && y <= y1 + margin;
		}
	}

	private ShapeImages() {}

	/** {@code perClass} images of each class, {@code size} px square, into {@code dir/<class>/}. */
	public static List<Shape> write(Path dir, int perClass, int size, long seed) throws IOException {
		Random r = new Random(seed);
		List<Shape> out = new ArrayList<>();
		for (int i = 0; i < perClass; i++) {
			for (int c = 0; c < CLASSES.size(); c++) {
				String label = CLASSES.get(c);
				Path f = dir.resolve(label).resolve(String.format("%s-%03d.png", label, i));
				Files.createDirectories(f.getParent());
				out.add(draw(f, label, c == 1, size, r));
			}
		}
		return out;
	}

	private static Shape draw(Path file, String label, boolean vertical, int size, Random r) throws IOException {
		float[] px = new float[size * size];
		double fx = 1 + r.nextDouble() * 2, fy = 1 + r.nextDouble() * 2, phase = r.nextDouble() * 6.3;
		for (int y = 0; y < size; y++) {
			for (int x = 0; x < size; x++) {
				double texture = 20 * Math.sin(fx * x * 2 * Math.PI / size + phase) * Math.cos(fy * y * 2 * Math.PI / size);
				px[y * size + x] = (float) (70 + texture + 10 * r.nextGaussian());
			}
		}
		for (int b = 0; b < 2; b++) { // distractors: dimmer, round, anywhere
			double cx = r.nextDouble() * size, cy = r.nextDouble() * size, rad = size / 10.0 + r.nextDouble() * size / 10.0;
			for (int y = 0; y < size; y++) {
				for (int x = 0; x < size; x++) {
					double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (rad * rad);
					px[y * size + x] += (float) (60 * Math.exp(-d2));
				}
			}
		}
		int length = Math.max(6, size / 4), thickness = Math.max(2, size / 16);
		int w = vertical ? thickness : length, h = vertical ? length : thickness;
		int x0 = 1 + r.nextInt(size - w - 1), y0 = 1 + r.nextInt(size - h - 1);
		int x1 = x0 + w - 1, y1 = y0 + h - 1;
		float bright = 215 + r.nextInt(30);
		for (int y = y0; y <= y1; y++) {
			for (int x = x0; x <= x1; x++) px[y * size + x] = bright + (float) (5 * r.nextGaussian());
		}
		byte[] bytes = new byte[px.length];
		for (int i = 0; i < px.length; i++) bytes[i] = (byte) Math.max(0, Math.min(255, Math.round(px[i])));
		if (!new FileSaver(new ImagePlus(label, new ByteProcessor(size, size, bytes))).saveAsPng(file.toString())) {
			throw new IOException(file + ": not written");
		}
		return new Shape(file, label, x0, y0, x1, y1);
	}
}
