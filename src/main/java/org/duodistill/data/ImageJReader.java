package org.duodistill.data;

import ij.ImagePlus;
import ij.io.Opener;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** ImageJ 1's readers: TIFF (stacks, 16/32-bit), PNG, JPEG, BMP, GIF, DICOM, FITS, PGM. */
public final class ImageJReader implements ImageReader {
	/** Above this many pixels a plane is not decoded whole (see {@link LargeImageReader}). */
	public static final long DEFAULT_MAX_PIXELS = 64L << 20;

	private final long maxPixels;

	public ImageJReader() {
		this(DEFAULT_MAX_PIXELS);
	}

	public ImageJReader(long maxPixels) {
		this.maxPixels = maxPixels;
	}

	@Override
	public String name() {
		return "ImageJ";
	}

	@Override
	public boolean claims(Path file) {
		return true;
	}

	@Override
	public ImageData read(Path file, ReadOptions options) throws ImageReadException {
		long size;
		try {
			size = Files.size(file);
		} catch (IOException e) {
			throw new ImageReadException(file, "cannot read file (" + e.getMessage() + ")", e);
		}
		if (size == 0) throw new ImageReadException(file, "empty file (0 bytes)");
		if (!Files.isReadable(file)) throw new ImageReadException(file, "file is not readable (permissions)");
		// Only files of some size can hold a huge plane; skipping the header probe keeps small files fast.
		int[] dims = size > maxPixels / LargeImageReader.MAX_COMPRESSION ? LargeImageReader.dimensions(file) : null;
		if (dims != null && (long) dims[0] * dims[1] > maxPixels) {
			return LargeImageReader.read(file, dims[0], dims[1], options.targetSize(), maxPixels);
		}
		// plain greyscale PNGs decoded directly: the same planes, without ImageIO's per-pixel copying
		ImageData png = PlainPng.read(file, size);
		if (png != null) return png;
		ConsoleCapture.Captured<ImagePlus> opened = open(file);
		ImagePlus imp = opened.value();
		// ImageJ opens any text file as a "text image"; prose gives one with no rows.
		if (imp == null || imp.getStackSize() == 0 || imp.getWidth() == 0 || imp.getHeight() == 0) {
			String said = oneLine(opened.text());
			String why = whyUnreadable(file);
			// ImageJ's own verdict ("ImageJ cannot open compressed DICOM images") beats the guess from the
			// content; other words it printed (a decoder's error) are added to the guess.
			if (!said.isEmpty() && !why.equals(UNKNOWN)) why = said.startsWith("ImageJ ") ? said : why + " (" + said + ")";
			throw new ImageReadException(file, why);
		}
		OmeDimensions.apply(imp);
		return data(imp);
	}

	/**
	 * An image as a file of it would be read (Fiji's open images too), by the rule Bio-Formats reads
	 * by: one sample per (z, t), numbered 1..n with z fastest, the channels of one (z, t) together
	 * (one channel is grey; two or three are red, green (, blue), blue 0 for two; of more than three
	 * the first three, and the format says so). For each time point the z-planes are one stack (the
	 * slice policy applies to each); with one z, the time points are the stack. An image without
	 * channels is its stack slices as they are, so a plain stack reads as before.
	 */
	public static ImageData data(ImagePlus imp) {
		Dims d = Dims.of(imp);
		List<ImagePlane> planes = new ArrayList<>(d.z * d.t);
		for (int t = 1; t <= d.t; t++) for (int z = 1; z <= d.z; z++) planes.add(sample(imp, z, t));
		List<Integer> stacks = new ArrayList<>();
		if (d.z > 1) for (int t = 0; t < d.t; t++) stacks.add(d.z);
		else stacks.add(d.t);
		String format = describe(imp) + (d.c > 1 ? ", " + channelNote(imp, d.c) : "") + (d.z > 1 && d.t > 1 ? ", " + d.z + " z x " + d.t + " t" : "");
		ImagePlane first = planes.get(0);
		int bits = first.channels() == 3 && imp.getBitDepth() <= 8 ? 24 : imp.getBitDepth();
		return new ImageData(format, imp.getWidth(), imp.getHeight(), planes.size(), bits, planes, stacks);
	}


	/** Channels, z-slices and frames; a stack whose dimensions do not multiply to its size is z-slices. */
	private record Dims(int c, int z, int t) {
		static Dims of(ImagePlus imp) {
			int c = Math.max(1, imp.getNChannels());
			int z = Math.max(1, imp.getNSlices());
			int t = Math.max(1, imp.getNFrames());
			return c * z * t == imp.getStackSize() ? new Dims(c, z, t) : new Dims(1, imp.getStackSize(), 1);
		}
	}

	/** How many samples {@link #data} gives: one per (z, t). */
	public static int sampleCount(ImagePlus imp) {
		Dims d = Dims.of(imp);
		return d.z * d.t;
	}

	/** The (z, t), both 1-based, of sample {@code n} (1-based) as {@link #data} numbers them. */
	public static int[] zt(ImagePlus imp, int n) {
		Dims d = Dims.of(imp);
		if (n < 1 || n > d.z * d.t) throw new IllegalArgumentException(imp.getTitle() + " has " + d.z * d.t + " samples (z x t), not " + n);
		return new int[] {(n - 1) % d.z + 1, (n - 1) / d.z + 1};
	}

	/** The stack indices (1-based) of the channels of one (z, t): what sample n was made of. */
	public static int[] stackIndices(ImagePlus imp, int z, int t) {
		Dims d = Dims.of(imp);
		int[] out = new int[d.c];
		for (int c = 1; c <= d.c; c++) out[c - 1] = ((t - 1) * d.z + (z - 1)) * d.c + c;
		return out;
	}

	/** The sample at one (z, t), both 1-based: the channels of that position as one plane. */
	public static ImagePlane sample(ImagePlus imp, int z, int t) {
		int[] slices = stackIndices(imp, z, t);
		if (slices.length == 1) return plane(imp, slices[0]);
		float[] out = null;
		int n = imp.getWidth() * imp.getHeight();
		int next = 0;
		for (int i = 0; i < slices.length && next < 3; i++) {
			ImagePlane p = plane(imp, slices[i]);
			if (out == null) out = new float[3 * n];
			int take = Math.min(p.channels(), 3 - next);
			System.arraycopy(p.pixels(), 0, out, next * n, take * n);
			next += take;
		}
		return new ImagePlane(imp.getWidth(), imp.getHeight(), 3, out, imp.getBitDepth() <= 8 || imp.getBitDepth() == 24 ? 24 : imp.getBitDepth());
	}

	private static String channelNote(ImagePlus imp, int c) {
		int total = c * (imp.getBitDepth() == 24 ? 3 : 1);
		return total > 3 ? "channels 1-3 of " + total + " as RGB" : total + " channels as " + (total == 2 ? "red, green" : "RGB");
	}

	private static String describe(ImagePlus imp) {
		ij.io.FileInfo fi = imp.getOriginalFileInfo();
		String format = fi == null ? "image" : formatName(fi.fileFormat);
		return format + ", " + (imp.getBitDepth() == 24 ? "RGB" : imp.getBitDepth() + "-bit");
	}

	private static String formatName(int f) {
		switch (f) {
			case ij.io.FileInfo.TIFF: return "TIFF";
			case ij.io.FileInfo.DICOM: return "DICOM";
			case ij.io.FileInfo.FITS: return "FITS";
			case ij.io.FileInfo.PGM: return "PGM";
			case ij.io.FileInfo.IMAGEIO: return "ImageIO";
			case ij.io.FileInfo.GIF_OR_JPG: return "GIF/JPEG";
			case ij.io.FileInfo.BMP: return "BMP";
			default: return "image";
		}
	}

	/** The reason a file ImageJ could not open is unusable, judged from its content, not its name. */
	private static String whyUnreadable(Path file) {
		int type = new Opener().getFileType(file.toString());
		if (type == Opener.UNKNOWN) return UNKNOWN;
		if (type == Opener.TEXT || type == Opener.JAVA_OR_TEXT) {
			String ext = DatasetLoader.extension(file);
			boolean textName = ext.isEmpty() || ext.equals("txt") || ext.equals("csv") || ext.equals("md") || ext.equals("java");
			return "a text file, not an image" + (textName ? "" : " (despite its ." + ext + " extension)");
		}
		return CORRUPT;
	}

	private static final String CORRUPT = "corrupt or truncated image";
	private static final String UNKNOWN = "not a recognised image format";

	/**
	 * ImageJ reports decoding problems through IJ.log/IJ.error, which in batch mode print to the
	 * console; what it prints is captured and becomes part of the reason when the file fails.
	 */
	private static ConsoleCapture.Captured<ImagePlus> open(Path file) throws ImageReadException {
		RuntimeException[] failure = new RuntimeException[1];
		ConsoleCapture.Captured<ImagePlus> opened = ConsoleCapture.run(() -> {
			Opener opener = new Opener();
			opener.setSilentMode(true);
			enterBatchMode();
			try {
				return opener.openImage(file.toAbsolutePath().toString());
			} catch (RuntimeException e) {
				failure[0] = e;
				return null;
			} finally {
				leaveBatchMode();
			}
		});
		if (failure[0] != null) throw new ImageReadException(file, "decoder failed: " + failure[0], failure[0]);
		return opened;
	}

	private static final Object BATCH_LOCK = new Object();
	private static int batchUsers;
	private static boolean batchBefore;

	/**
	 * ImageJ's batch mode (no windows, no dialogs) is one global flag; files are opened on several
	 * threads at once, so the first to enter saves the user's setting and the last to leave restores
	 * it (saving and restoring per call would leave it on when calls overlap).
	 */
	private static void enterBatchMode() {
		synchronized (BATCH_LOCK) {
			if (batchUsers++ == 0) batchBefore = ij.macro.Interpreter.isBatchMode();
			ij.macro.Interpreter.batchMode = true;
		}
	}

	private static void leaveBatchMode() {
		synchronized (BATCH_LOCK) {
			if (--batchUsers == 0) ij.macro.Interpreter.batchMode = batchBefore;
		}
	}

	/** Console text as one short line: exception class names and blank lines dropped, at most 240 characters. */
	static String oneLine(String text) {
		String s = text.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error)\\b:?", " ").replaceAll("\\s+", " ").trim();
		return s.length() > 240 ? s.substring(0, 237) + "..." : s;
	}

	/**
	 * One plane per stack slice, channels apart (not the rule {@link #data} reads by: for views that
	 * keep a hyperstack's channels apart); RGB slices become three channels. An 8-bit image with a colour
	 * palette becomes RGB through its palette, and one with an inverting grey LUT is inverted, so
	 * the values are what the image shows rather than palette indices (smooth pseudo-colour LUTs
	 * such as Fire only display intensities, so those stay as they are).
	 */
	public static List<ImagePlane> planes(ImagePlus imp) {
		List<ImagePlane> out = new ArrayList<>(imp.getStackSize());
		for (int s = 1; s <= imp.getStackSize(); s++) out.add(plane(imp, s));
		return out;
	}

	/** One stack slice (1-based), read as {@link #planes} reads every slice. */
	public static ImagePlane plane(ImagePlus imp, int slice) {
		ImageProcessor ip = imp.getStack().getProcessor(slice);
		if (imp.getBitDepth() == 8 && !imp.isComposite()) {
			ip.setColorModel(imp.getProcessor().getColorModel());
			// An arbitrary palette (GIF, indexed PNG): indices mean nothing, colours do. A smooth
			// pseudo-colour LUT (Fire, ...) only displays intensities, which the indices already are.
			if (ip.isColorLut() && !ip.isPseudoColorLut()) return plane(ip.convertToRGB(), 24, null);
			if (ip.isInvertedLut()) {
				ImageProcessor copy = ip.duplicate();
				copy.invertLut();
				copy.invert();
				return plane(copy, 8, imp.getCalibration());
			}
		}
		return plane(ip, imp.getBitDepth(), imp.getCalibration());
	}

	public static ImagePlane plane(ImageProcessor ip, int bitDepth, Calibration cal) {
		int w = ip.getWidth();
		int h = ip.getHeight();
		if (ip instanceof ColorProcessor cp) {
			int n = w * h;
			float[] px = new float[3 * n];
			int[] rgb = (int[]) cp.getPixels();
			for (int i = 0; i < n; i++) {
				px[i] = (rgb[i] >> 16) & 0xff;
				px[n + i] = (rgb[i] >> 8) & 0xff;
				px[2 * n + i] = rgb[i] & 0xff;
			}
			return new ImagePlane(w, h, 3, px, 24);
		}
		// Calibrated values (e.g. signed 16-bit, DICOM rescale) so intensities mean what the file says.
		float[] px = new float[w * h];
		float[] table = bitDepth != 32 && cal != null && cal.calibrated() ? cal.getCTable() : null;
		Object raw = ip.getPixels();
		if (raw instanceof byte[] b) {
			for (int i = 0; i < px.length; i++) px[i] = table != null ? table[b[i] & 0xff] : b[i] & 0xff;
		} else if (raw instanceof short[] sh) {
			for (int i = 0; i < px.length; i++) px[i] = table != null ? table[sh[i] & 0xffff] : sh[i] & 0xffff;
		} else if (raw instanceof float[] f) {
			System.arraycopy(f, 0, px, 0, px.length);
		} else {
			for (int i = 0; i < px.length; i++) px[i] = table != null ? table[ip.get(i)] : ip.getf(i);
		}
		return new ImagePlane(w, h, 1, px, bitDepth);
	}
}
