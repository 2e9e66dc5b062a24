package org.duodistill.infer;

import ij.ImagePlus;
import ij.io.TiffEncoder;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import org.duodistill.data.Csv;
import org.duodistill.data.ImagePlane;
import org.duodistill.model.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What {@code explain} writes: per image or slice a 32-bit TIFF of the map (0-1, the input image's
 * size; ImageJ and Fiji open it with its calibration-free float values) and optionally a PNG of
 * the map over the image, plus {@code explanations.csv}. Every file is written atomically.
 */
public final class ExplanationFiles {
	public static final String CSV = "explanations.csv";
	public static final String HEADER = "file,slice,predicted,confidence,peak_x,peak_y,explained,method,map";

	private ExplanationFiles() {}

	/**
	 * The map's file name: the image's (without its extension), its slice for stacks, in the
	 * folder the image has below the input folder, so that equal names in different folders stay apart.
	 */
	public static Path mapFile(Path outputDir, Path inputRoot, Path image, int slice, boolean stack) {
		Path rel = inputRoot.equals(image) || !image.startsWith(inputRoot) ? image.getFileName() : inputRoot.relativize(image);
		String name = stem(rel.getFileName().toString()) + (stack ? String.format("-slice%04d", slice) : "") + ".tif";
		Path parent = rel.getParent();
		return parent == null ? outputDir.resolve(name) : outputDir.resolve(parent).resolve(name);
	}

	/** The PNG overlay beside a map file. */
	public static Path overlayFile(Path mapFile) {
		String n = mapFile.getFileName().toString();
		return mapFile.resolveSibling(n.substring(0, n.length() - ".tif".length()) + "-overlay.png");
	}

	/**
	 * A window title as a file name: characters that no file system takes (or that would make a
	 * folder) become '_', so that "a/b: c" names one file on every platform.
	 */
	public static String safeName(String title) {
		String s = title == null ? "" : title.replaceAll("[\\\\/:*?\"<>|\\p{Cntrl}]", "_").trim();
		// "." and ".." are folders, and a leading dot hides the file
		while (s.startsWith(".")) s = s.substring(1);
		return s.isEmpty() ? "image" : s;
	}

	static String stem(String name) {
		String lower = name.toLowerCase(java.util.Locale.ROOT);
		for (String ext : List.of(".nii.gz", ".ome.tiff", ".ome.tif")) {
			if (lower.endsWith(ext)) return name.substring(0, name.length() - ext.length());
		}
		int dot = name.lastIndexOf('.');
		return dot > 0 ? name.substring(0, dot) : name;
	}

	public static void writeMap(Path file, Explanation e) throws IOException {
		ImagePlus imp = new ImagePlus("explanation of " + e.explainedClass(), new FloatProcessor(e.width(), e.height(), e.map().clone()));
		imp.getProcessor().setMinAndMax(0, 1);
		AtomicFiles.write(file, out -> new TiffEncoder(imp.getFileInfo()).write(out));
	}

	/** The image in grey with the map over it in viridis, more opaque where the map is higher. */
	public static void writeOverlay(Path file, Explanation e, ImagePlane plane) throws IOException {
		BufferedImage img = overlay(e, plane);
		AtomicFiles.write(file, out -> {
			if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer");
		});
	}

	static BufferedImage overlay(Explanation e, ImagePlane plane) {
		float[] grey = grey(plane, e.width(), e.height());
		BufferedImage img = new BufferedImage(e.width(), e.height(), BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < e.height(); y++) {
			for (int x = 0; x < e.width(); x++) {
				int i = y * e.width() + x;
				float m = e.map()[i];
				int[] c = Viridis.rgb(m);
				float alpha = 0.65f * m;
				float g = grey[i] * 255f;
				int r = Math.round(g * (1 - alpha) + c[0] * alpha);
				int gr = Math.round(g * (1 - alpha) + c[1] * alpha);
				int b = Math.round(g * (1 - alpha) + c[2] * alpha);
				img.setRGB(x, y, (r << 16) | (gr << 8) | b);
			}
		}
		return img;
	}

	/** The plane's brightness (channels averaged) at the map's size, 0.5-99.5 percentiles to 0-1. */
	static float[] grey(ImagePlane plane, int width, int height) {
		int n = plane.width() * plane.height();
		float[] g = new float[n];
		for (int c = 0; c < plane.channels(); c++) {
			for (int i = 0; i < n; i++) g[i] += plane.pixels()[c * n + i] / plane.channels();
		}
		if (plane.width() != width || plane.height() != height) {
			FloatProcessor fp = new FloatProcessor(plane.width(), plane.height(), g);
			fp.setInterpolationMethod(ImageProcessor.BILINEAR);
			g = (float[]) fp.resize(width, height, true).getPixels();
		}
		float[] sorted = g.clone();
		Arrays.sort(sorted);
		float lo = sorted[(int) (0.005 * (sorted.length - 1))], hi = sorted[(int) (0.995 * (sorted.length - 1))];
		float range = hi > lo ? hi - lo : 1f;
		float[] out = new float[g.length];
		for (int i = 0; i < g.length; i++) out[i] = Float.isFinite(g[i]) ? Math.max(0f, Math.min(1f, (g[i] - lo) / range)) : 0f;
		return out;
	}

	/** One CSV row; {@code map} as written (relative to the CSV's folder where it lies below it). */
	public static String row(Explanation e, String map) {
		return String.join(",", Csv.field(e.source()), Integer.toString(e.slice()), Csv.field(e.predictedClass()), Csv.probability(e.confidence()),
				Integer.toString(e.peakX()), Integer.toString(e.peakY()), Csv.field(e.explainedClass()), e.method().cliName(), Csv.field(map));
	}

	public static void writeCsv(Path file, List<String> rows) throws IOException {
		StringBuilder sb = new StringBuilder(HEADER).append('\n');
		for (String r : rows) sb.append(r).append('\n');
		AtomicFiles.write(file, out -> out.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
	}

	/** Refuses to replace a user's files unless asked. */
	public static void checkFree(Path file, boolean overwrite) throws java.nio.file.FileAlreadyExistsException {
		if (!overwrite && Files.exists(file)) {
			throw new java.nio.file.FileAlreadyExistsException(file + " exists; choose another output folder or pass --overwrite");
		}
	}
}
