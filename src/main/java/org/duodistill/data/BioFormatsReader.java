package org.duodistill.data;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Bio-Formats, reached by reflection so that the build needs no Bio-Formats artifact: present in
 * every Fiji, and on the command line when {@code bioformats_package.jar} is on the classpath.
 * Reads every series and plane with its own pixel type, signedness and byte order; RGB images
 * become three channels. Huge planes are read tile by tile and averaged down to a few times the
 * model's input size, choosing a pyramid level when the file has one, so a whole-slide image never
 * needs one giant array.
 */
public final class BioFormatsReader implements ImageReader {
	static final String READER_CLASS = "loci.formats.ImageReader";
	/** Planes above this many pixels are decoded in tiles and reduced while reading. */
	static final long TILE_THRESHOLD = 16L << 20;
	private static final int TILE = 1024;

	// loci.formats.FormatTools pixel types
	private static final int INT8 = 0, UINT8 = 1, INT16 = 2, UINT16 = 3, INT32 = 4, UINT32 = 5, FLOAT = 6, DOUBLE = 7, BIT = 8;

	private final Class<?> readerClass;

	private BioFormatsReader(Class<?> readerClass) {
		this.readerClass = readerClass;
	}

	/** The adapter when Bio-Formats can be loaded through {@code loader}, else null. */
	public static BioFormatsReader find(ClassLoader loader) {
		try {
			return new BioFormatsReader(Class.forName(READER_CLASS, false, loader));
		} catch (ClassNotFoundException | LinkageError e) {
			return null;
		}
	}

	@Override
	public String name() {
		return "Bio-Formats";
	}

	@Override
	public boolean claims(Path file) {
		try {
			Object r = readerClass.getConstructor().newInstance();
			return (Boolean) call(r, "isThisType", new Class<?>[] {String.class, boolean.class}, file.toString(), false);
		} catch (ReflectiveOperationException | RuntimeException e) {
			return false;
		}
	}

	@Override
	public ImageData read(Path file, ReadOptions options) throws ImageReadException {
		Object r;
		try {
			r = readerClass.getConstructor().newInstance();
		} catch (ReflectiveOperationException e) {
			throw new ImageReadException(file, "Bio-Formats could not be started: " + e);
		}
		try {
			call(r, "setId", new Class<?>[] {String.class}, file.toString());
			int series = (Integer) call(r, "getSeriesCount", new Class<?>[0]);
			List<ImagePlane> planes = new ArrayList<>();
			int width = 0, height = 0, bits = 0;
			String format = "Bio-Formats " + call(r, "getFormat", new Class<?>[0]);
			for (int s = 0; s < series; s++) {
				call(r, "setSeries", new Class<?>[] {int.class}, s);
				chooseResolution(r, options.targetSize());
				int sx = (Integer) call(r, "getSizeX", new Class<?>[0]);
				int sy = (Integer) call(r, "getSizeY", new Class<?>[0]);
				int type = (Integer) call(r, "getPixelType", new Class<?>[0]);
				boolean little = (Boolean) call(r, "isLittleEndian", new Class<?>[0]);
				int rgb = (Integer) call(r, "getRGBChannelCount", new Class<?>[0]);
				boolean interleaved = (Boolean) call(r, "isInterleaved", new Class<?>[0]);
				int count = (Integer) call(r, "getImageCount", new Class<?>[0]);
				if (s == 0) {
					width = sx;
					height = sy;
					bits = rgb == 3 ? 24 : bitsOf(type);
				}
				for (int i = 0; i < count; i++) {
					planes.add(readPlane(file, r, i, sx, sy, type, little, rgb, interleaved, options.targetSize()));
				}
			}
			return new ImageData(format + (series > 1 ? ", " + series + " series" : ""), width, height, planes.size(), bits, planes);
		} catch (ReflectiveOperationException e) {
			Throwable cause = e.getCause() != null ? e.getCause() : e;
			throw new ImageReadException(file, "Bio-Formats: " + cause.getMessage(), cause);
		} finally {
			try {
				call(r, "close", new Class<?>[0]);
			} catch (ReflectiveOperationException | RuntimeException ignored) {
				// closing a reader that failed to open may fail too; the read error is what matters
			}
		}
	}

	/** With a pyramid, the smallest level still at least four times the input size. */
	private void chooseResolution(Object r, int target) throws ReflectiveOperationException {
		if (target <= 0) return;
		Method count = find(r, "getResolutionCount");
		if (count == null) return;
		int n = (Integer) count.invoke(r);
		int chosen = 0;
		for (int level = 1; level < n; level++) {
			call(r, "setResolution", new Class<?>[] {int.class}, level);
			int sx = (Integer) call(r, "getSizeX", new Class<?>[0]);
			int sy = (Integer) call(r, "getSizeY", new Class<?>[0]);
			if (Math.min(sx, sy) >= 4 * target) chosen = level;
		}
		call(r, "setResolution", new Class<?>[] {int.class}, chosen);
	}

	private ImagePlane readPlane(Path file, Object r, int index, int sx, int sy, int type, boolean little, int rgb,
			boolean interleaved, int target) throws ReflectiveOperationException, ImageReadException {
		int channels = rgb == 3 ? 3 : 1;
		long pixels = (long) sx * sy;
		int factor = 1;
		if (pixels > TILE_THRESHOLD && target > 0) {
			factor = (int) Math.max(1, Math.min(sx, sy) / (4L * target));
		}
		if (factor == 1 && pixels * channels > Integer.MAX_VALUE / 4) {
			throw new ImageReadException(file, "plane of " + sx + "x" + sy + " is too large to read whole; give a target size");
		}
		int ow = Math.max(1, sx / factor);
		int oh = Math.max(1, sy / factor);
		double[] sum = new double[channels * ow * oh];
		int[] n = new int[ow * oh];
		int tile = factor == 1 ? Math.max(sx, sy) : TILE;
		for (int ty = 0; ty < sy; ty += tile) {
			for (int tx = 0; tx < sx; tx += tile) {
				int tw = Math.min(tile, sx - tx);
				int th = Math.min(tile, sy - ty);
				byte[] bytes = factor == 1 && tw == sx && th == sy
						? (byte[]) call(r, "openBytes", new Class<?>[] {int.class}, index)
						: (byte[]) call(r, "openBytes", new Class<?>[] {int.class, int.class, int.class, int.class, int.class}, index, tx, ty, tw, th);
				float[] v = decode(bytes, type, little, tw * th * channels);
				for (int y = 0; y < th; y++) {
					int oy = Math.min(oh - 1, (ty + y) / factor);
					for (int x = 0; x < tw; x++) {
						int ox = Math.min(ow - 1, (tx + x) / factor);
						int o = oy * ow + ox;
						n[o]++;
						for (int c = 0; c < channels; c++) {
							int src = channels == 1 ? y * tw + x : interleaved ? (y * tw + x) * 3 + c : c * tw * th + y * tw + x;
							sum[c * ow * oh + o] += v[src];
						}
					}
				}
			}
		}
		float[] out = new float[sum.length];
		for (int c = 0; c < channels; c++) {
			for (int o = 0; o < ow * oh; o++) out[c * ow * oh + o] = (float) (sum[c * ow * oh + o] / Math.max(1, n[o]));
		}
		return new ImagePlane(ow, oh, channels, out, rgb == 3 ? 24 : bitsOf(type));
	}

	static float[] decode(byte[] bytes, int type, boolean little, int count) {
		ByteBuffer b = ByteBuffer.wrap(bytes).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
		float[] v = new float[count];
		for (int i = 0; i < count; i++) {
			switch (type) {
				case INT8: v[i] = b.get(); break;
				case UINT8: case BIT: v[i] = b.get() & 0xff; break;
				case INT16: v[i] = b.getShort(); break;
				case UINT16: v[i] = b.getShort() & 0xffff; break;
				case INT32: v[i] = b.getInt(); break;
				case UINT32: v[i] = b.getInt() & 0xffffffffL; break;
				case FLOAT: v[i] = b.getFloat(); break;
				case DOUBLE: v[i] = (float) b.getDouble(); break;
				default: throw new IllegalArgumentException("unknown Bio-Formats pixel type " + type);
			}
		}
		return v;
	}

	private static int bitsOf(int type) {
		switch (type) {
			case INT8: case UINT8: case BIT: return 8;
			case INT16: case UINT16: return 16;
			default: return 32;
		}
	}

	private static Method find(Object target, String name) {
		for (Method m : target.getClass().getMethods()) if (m.getName().equals(name) && m.getParameterCount() == 0) return m;
		return null;
	}

	private static Object call(Object target, String name, Class<?>[] types, Object... args) throws ReflectiveOperationException {
		return target.getClass().getMethod(name, types).invoke(target, args);
	}
}
