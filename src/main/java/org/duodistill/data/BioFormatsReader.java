package org.duodistill.data;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bio-Formats, reached by reflection so that the build needs no Bio-Formats artifact: present in
 * every Fiji, and on the command line when {@code bioformats_package.jar} is on the classpath.
 * <ul>
 * <li>Each file is opened on its own ({@code setGroupFiles(false)}: a broken neighbour in the same
 * folder must not sink it) with pyramids as pyramids ({@code setFlattenedResolutions(false)}).</li>
 * <li>Thumbnail, label and macro series are skipped; every other series gives planes. Of a pyramid,
 * the smallest level whose shorter side is still at least the target size is read; without a
 * target size, the largest level within the pixel budget.</li>
 * <li>Planes come by (t, z) through {@code getIndex(z, c, t)}, whatever the storage order: for each
 * time point one stack of z-planes (the slice policy applies to each stack); when there is one z,
 * the time points are the stack (a multi-page file that says "time" is still a stack). The channels of one
 * (z, t) are one sample: one channel is grey; two or three are red, green (, blue), blue being 0
 * for two; of more than three, the first three are kept (the format description says so).</li>
 * <li>Alpha is dropped (RGBA gives RGB, grey+alpha gives grey); indexed colour gives the
 * lookup table's colours, unless Bio-Formats says the table is only for display (false colour).</li>
 * <li>Every plane is read in tiles of the format's optimal size into one reused buffer; planes
 * above the pixel budget are averaged down while reading (by whole blocks, the few edge pixels
 * that do not fill a block are left out), so memory stays bounded whatever the plane size.</li>
 * </ul>
 * One {@code loci.formats.ImageReader} (which holds an instance of every format reader) is made per
 * thread and reused for every {@link #claims} and {@link #read}.
 */
public final class BioFormatsReader implements ImageReader {
	static final String READER_CLASS = "loci.formats.ImageReader";
	/** Without a target size, planes above this many pixels are reduced while reading. */
	public static final long DEFAULT_MAX_PIXELS = 16L << 20;
	/** No tile buffer larger than this, whatever tile size the format prefers. */
	static final int MAX_TILE_BYTES = 8 << 20;

	// loci.formats.FormatTools pixel types
	private static final int INT8 = 0, UINT8 = 1, INT16 = 2, UINT16 = 3, INT32 = 4, UINT32 = 5, FLOAT = 6, DOUBLE = 7, BIT = 8;

	private final Api api;
	private final long maxPixels;
	private final AtomicInteger readersMade = new AtomicInteger();
	private final ThreadLocal<Object> perThread;

	private BioFormatsReader(Api api, long maxPixels) {
		this.api = api;
		this.maxPixels = maxPixels;
		this.perThread = ThreadLocal.withInitial(() -> {
			try {
				Object r = api.type.getConstructor().newInstance();
				readersMade.incrementAndGet();
				return r;
			} catch (ReflectiveOperationException e) {
				throw new IllegalStateException("Bio-Formats could not be started: " + cause(e), cause(e));
			}
		});
	}

	/** The adapter when Bio-Formats can be loaded through {@code loader}, else null. */
	public static BioFormatsReader find(ClassLoader loader) {
		return find(loader, DEFAULT_MAX_PIXELS);
	}

	/** As {@link #find(ClassLoader)}, reducing planes above {@code maxPixels} pixels while reading. */
	public static BioFormatsReader find(ClassLoader loader, long maxPixels) {
		try {
			Api api = new Api(Class.forName(READER_CLASS, false, loader));
			QuietLogging.apply(loader);
			return new BioFormatsReader(api, maxPixels);
		} catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
			return null;
		}
	}

	@Override
	public String name() {
		return "Bio-Formats";
	}

	/** How many Bio-Formats readers this adapter has made (one per thread that used it). */
	int readersMade() {
		return readersMade.get();
	}

	/** By name; files without an extension (common for DICOM) by content. */
	@Override
	public boolean claims(Path file) {
		try {
			Object r = perThread.get();
			if ((Boolean) api.isThisType.invoke(r, file.toString(), false)) return true;
			return DatasetLoader.extension(file).isEmpty() && (Boolean) api.isThisType.invoke(r, file.toString(), true);
		} catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
			return false;
		}
	}

	@Override
	public ImageData read(Path file, ReadOptions options) throws ImageReadException {
		Object r;
		try {
			r = perThread.get();
		} catch (IllegalStateException e) {
			throw new ImageReadException(file, e.getMessage(), e.getCause());
		}
		try {
			api.setGroupFiles.invoke(r, false);
			api.setFlattenedResolutions.invoke(r, false);
			api.setId.invoke(r, file.toString());
			return readOpen(file, r, options.targetSize());
		} catch (InvocationTargetException e) {
			Throwable c = cause(e);
			if (c instanceof OutOfMemoryError oom) throw oom;
			throw new ImageReadException(file, describe(c), c);
		} catch (ReflectiveOperationException e) {
			throw new ImageReadException(file, "Bio-Formats call failed: " + e, e);
		} finally {
			try {
				api.close.invoke(r);
			} catch (ReflectiveOperationException | RuntimeException ignored) {
				// closing a reader that failed to open may fail too; the read error is what matters
			}
		}
	}

	private ImageData readOpen(Path file, Object r, int target) throws ReflectiveOperationException, ImageReadException {
		int seriesCount = api.integer(r, api.getSeriesCount);
		List<ImagePlane> planes = new ArrayList<>();
		List<Integer> stacks = new ArrayList<>();
		List<String> notes = new ArrayList<>();
		int used = 0;
		int skipped = 0;
		int width = 0, height = 0, bits = 0;
		for (int s = 0; s < seriesCount; s++) {
			api.setSeries.invoke(r, s);
			if ((Boolean) api.isThumbnailSeries.invoke(r)) {
				skipped++;
				continue;
			}
			int fullX = api.integer(r, api.getSizeX);
			int fullY = api.integer(r, api.getSizeY);
			Level level = chooseLevel(r, target);
			Layout layout = new Layout(api, r);
			int factor = reduction(level.width, level.height, target, maxPixels);
			if (used++ == 0) {
				width = fullX;
				height = fullY;
				bits = layout.outputChannels() == 3 && layout.bits() == 8 ? 24 : layout.bits();
				notes.addAll(layout.notes());
				if (level.count > 1) notes.add("pyramid level " + (level.index + 1) + " of " + level.count + " (" + level.width + "x" + level.height + ")");
				if (factor > 1) notes.add("read at 1/" + factor);
			}
			byte[] buffer = null;
			for (int t = 0; t < layout.sizeT; t++) {
				for (int z = 0; z < layout.sizeZ; z++) {
					PlaneReader pr = new PlaneReader(r, layout, level.width, level.height, factor, buffer);
					planes.add(pr.read(z, t));
					buffer = pr.buffer;
				}
				if (layout.sizeZ > 1) stacks.add(layout.sizeZ);
			}
			// a series of single planes over time (many multi-page files) is one stack over t
			if (layout.sizeZ == 1) stacks.add(layout.sizeT);
		}
		if (used == 0) throw new ImageReadException(file, "only thumbnail, label or macro images (" + skipped + " series), no image to read");
		StringBuilder format = new StringBuilder("Bio-Formats ").append(api.invoke(r, api.getFormat));
		if (used > 1) format.append(", ").append(used).append(" series");
		if (skipped > 0) format.append(", ").append(skipped).append(" thumbnail/label/macro series skipped");
		for (String n : notes) format.append(", ").append(n);
		return new ImageData(format.toString(), width, height, planes.size(), bits, planes, stacks);
	}

	/** A pyramid level: its index, the number of levels, its size. */
	private record Level(int index, int count, int width, int height) {}

	private Level chooseLevel(Object r, int target) throws ReflectiveOperationException {
		int n = api.integer(r, api.getResolutionCount);
		int[] w = new int[n];
		int[] h = new int[n];
		for (int i = 0; i < n; i++) {
			api.setResolution.invoke(r, i);
			w[i] = api.integer(r, api.getSizeX);
			h[i] = api.integer(r, api.getSizeY);
		}
		int chosen = pickLevel(w, h, target, maxPixels);
		api.setResolution.invoke(r, chosen);
		return new Level(chosen, n, w[chosen], h[chosen]);
	}

	/**
	 * With a target size, the smallest level whose shorter side is still at least the target (the
	 * largest level when none is); without one, the largest level within the pixel budget (the
	 * smallest level when none is).
	 */
	static int pickLevel(int[] w, int[] h, int target, long maxPixels) {
		int chosen = -1;
		for (int i = 0; i < w.length; i++) {
			long pixels = (long) w[i] * h[i];
			boolean fits = target > 0 ? Math.min(w[i], h[i]) >= target : pixels <= maxPixels;
			if (!fits) continue;
			long best = chosen < 0 ? 0 : (long) w[chosen] * h[chosen];
			if (chosen < 0 || (target > 0 ? pixels < best : pixels > best)) chosen = i;
		}
		if (chosen >= 0) return chosen;
		int fallback = 0;
		for (int i = 1; i < w.length; i++) {
			long pixels = (long) w[i] * h[i];
			long best = (long) w[fallback] * h[fallback];
			if (target > 0 ? pixels > best : pixels < best) fallback = i;
		}
		return fallback;
	}

	/**
	 * Planes within the budget are read whole; larger ones are reduced by the factor that keeps four
	 * times the target size (when there is one), raised until the result fits the budget.
	 */
	static int reduction(int w, int h, int target, long maxPixels) {
		if ((long) w * h <= maxPixels) return 1;
		int f = target > 0 ? Math.max(1, Math.min(w, h) / (4 * target)) : 1;
		while ((long) (w / f) * (h / f) > maxPixels) f++;
		return Math.max(1, Math.min(f, Math.min(w, h)));
	}

	/**
	 * Tile width and height: the format's optimal tile, clipped to the plane, its height a multiple
	 * of the reduction factor (so that each band of tiles fills whole output rows) and its buffer at
	 * most {@code maxBytes}.
	 */
	static int[] tileSize(int optimalW, int optimalH, int w, int h, int factor, int bytesPerPixel, int maxBytes) {
		int tw = Math.max(1, Math.min(optimalW <= 0 ? w : optimalW, w));
		int th = Math.max(1, Math.min(optimalH <= 0 ? h : optimalH, h));
		if (factor > 1) th = Math.max(factor, th / factor * factor);
		while ((long) tw * th * bytesPerPixel > maxBytes && th > factor) th = Math.max(factor, th / 2 / factor * factor);
		while ((long) tw * th * bytesPerPixel > maxBytes && tw > factor) tw = Math.max(factor, tw / 2 / factor * factor);
		return new int[] {tw, th};
	}

	/** Pixel type, byte order, channels, z, t and colour of the current series. */
	private static final class Layout {
		final int sizeZ, sizeT, effectiveC, rgb, type;
		final boolean little, interleaved, indexed;
		final int keptPerPlane;

		Layout(Api api, Object r) throws ReflectiveOperationException {
			sizeZ = Math.max(1, api.integer(r, api.getSizeZ));
			sizeT = Math.max(1, api.integer(r, api.getSizeT));
			effectiveC = Math.max(1, api.integer(r, api.getEffectiveSizeC));
			rgb = Math.max(1, api.integer(r, api.getRGBChannelCount));
			type = api.integer(r, api.getPixelType);
			little = (Boolean) api.invoke(r, api.isLittleEndian);
			interleaved = (Boolean) api.invoke(r, api.isInterleaved);
			indexed = (Boolean) api.invoke(r, api.isIndexed) && !(Boolean) api.invoke(r, api.isFalseColor);
			// alpha is the last sample of grey+alpha and RGBA
			keptPerPlane = indexed ? 3 : rgb == 2 ? 1 : rgb == 4 ? 3 : rgb;
		}

		int totalChannels() {
			return effectiveC * keptPerPlane;
		}

		int outputChannels() {
			return totalChannels() == 1 ? 1 : 3;
		}

		int bits() {
			return bitsOf(type);
		}

		List<String> notes() {
			List<String> n = new ArrayList<>();
			if (rgb == 2 || rgb == 4) n.add("alpha dropped");
			if (indexed) n.add("indexed colour");
			if (effectiveC > 1) {
				int total = totalChannels();
				n.add(total > 3 ? "channels 1-3 of " + total + " as RGB" : total + " channels as " + (total == 2 ? "red, green" : "RGB"));
			}
			if (sizeZ > 1 || sizeT > 1) n.add(sizeZ + " z x " + sizeT + " t");
			return n;
		}
	}

	/** Reads one (z, t) sample in tiles, reusing one buffer, averaging blocks when reduced. */
	private final class PlaneReader {
		private final Object r;
		private final Layout layout;
		private final int sx, sy, f, ow, oh, tw, th, bpp;
		byte[] buffer;

		PlaneReader(Object r, Layout layout, int sx, int sy, int factor, byte[] buffer) throws ReflectiveOperationException {
			this.r = r;
			this.layout = layout;
			this.sx = sx;
			this.sy = sy;
			this.f = factor;
			this.ow = Math.max(1, sx / factor);
			this.oh = Math.max(1, sy / factor);
			this.bpp = bytesOf(layout.type);
			int[] tile = tileSize(api.integer(r, api.getOptimalTileWidth), api.integer(r, api.getOptimalTileHeight), sx, sy, factor,
					bpp * layout.rgb, MAX_TILE_BYTES);
			this.tw = tile[0];
			this.th = tile[1];
			int need = tw * th * bpp * layout.rgb;
			this.buffer = buffer != null && buffer.length >= need ? buffer : new byte[need];
		}

		ImagePlane read(int z, int t) throws ReflectiveOperationException {
			int channels = layout.outputChannels();
			float[] out = new float[channels * ow * oh];
			int next = 0; // output channel the next source channel fills
			for (int c = 0; c < layout.effectiveC && next < channels; c++) {
				int index = (Integer) api.getIndex.invoke(r, z, c, t);
				int take = Math.min(layout.keptPerPlane, channels - next);
				readInto(index, out, next, take);
				next += take;
			}
			return new ImagePlane(ow, oh, channels, out, layout.outputChannels() == 3 && layout.bits() == 8 ? 24 : layout.bits());
		}

		/** Source samples 0..take-1 of plane {@code index} (or LUT colours) into output channels from {@code first}. */
		private void readInto(int index, float[] out, int first, int take) throws ReflectiveOperationException {
			int usedW = f == 1 ? sx : ow * f;
			int usedH = f == 1 ? sy : oh * f;
			int plane = ow * oh;
			ByteBuffer b = ByteBuffer.wrap(buffer).order(layout.little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
			float[][] lut = null;
			for (int ty = 0; ty < usedH; ty += th) {
				int bh = Math.min(th, usedH - ty);
				double[] band = f == 1 ? null : new double[take * ow * (bh / f)];
				for (int tx = 0; tx < usedW; tx += tw) {
					int bw = Math.min(tw, usedW - tx);
					api.openBytes.invoke(r, index, buffer, tx, ty, bw, bh);
					if (layout.indexed && lut == null) lut = lookupTable(r);
					for (int y = 0; y < bh; y++) {
						for (int x = 0; x < bw; x++) {
							for (int k = 0; k < take; k++) {
								float v;
								if (layout.indexed) {
									int i = (int) sample(b, (y * bw + x) * bpp, layout.type);
									v = lut == null ? i : lut[Math.min(k, lut.length - 1)][Math.max(0, Math.min(lut[0].length - 1, i))];
								} else {
									int pos = layout.interleaved ? ((y * bw + x) * layout.rgb + k) * bpp : ((k * bh + y) * bw + x) * bpp;
									v = sample(b, pos, layout.type);
								}
								if (f == 1) out[(first + k) * plane + (ty + y) * ow + tx + x] = v;
								else band[(k * (bh / f) + y / f) * ow + (tx + x) / f] += v;
							}
						}
					}
				}
				if (band != null) {
					double n = (double) f * f;
					for (int k = 0; k < take; k++) {
						for (int ry = 0; ry < bh / f; ry++) {
							for (int ox = 0; ox < ow; ox++) {
								out[(first + k) * plane + (ty / f + ry) * ow + ox] = (float) (band[(k * (bh / f) + ry) * ow + ox] / n);
							}
						}
					}
				}
			}
		}

		/** The lookup table as [channel][index] values: 8-bit entries 0..255, 16-bit entries 0..65535; null when none. */
		private float[][] lookupTable(Object r) throws ReflectiveOperationException {
			if (api.invoke(r, api.get8BitLookupTable) instanceof byte[][] t && t.length > 0 && t[0] != null) {
				return table(t.length, c -> t[c].length, (c, i) -> t[c][i] & 0xff);
			}
			if (api.invoke(r, api.get16BitLookupTable) instanceof short[][] t && t.length > 0 && t[0] != null) {
				return table(t.length, c -> t[c].length, (c, i) -> t[c][i] & 0xffff);
			}
			return null;
		}

		private static float[][] table(int channels, java.util.function.IntUnaryOperator length, java.util.function.IntBinaryOperator entry) {
			float[][] out = new float[channels][];
			for (int c = 0; c < channels; c++) {
				out[c] = new float[length.applyAsInt(c)];
				for (int i = 0; i < out[c].length; i++) out[c][i] = entry.applyAsInt(c, i);
			}
			return out;
		}
	}

	static float sample(ByteBuffer b, int pos, int type) {
		switch (type) {
			case INT8: return b.get(pos);
			case UINT8: case BIT: return b.get(pos) & 0xff;
			case INT16: return b.getShort(pos);
			case UINT16: return b.getShort(pos) & 0xffff;
			case INT32: return b.getInt(pos);
			case UINT32: return b.getInt(pos) & 0xffffffffL;
			case FLOAT: return b.getFloat(pos);
			case DOUBLE: return (float) b.getDouble(pos);
			default: throw new IllegalArgumentException("unknown Bio-Formats pixel type " + type);
		}
	}

	private static int bytesOf(int type) {
		switch (type) {
			case INT8: case UINT8: case BIT: return 1;
			case INT16: case UINT16: return 2;
			case DOUBLE: return 8;
			default: return 4;
		}
	}

	private static int bitsOf(int type) {
		return type == BIT ? 8 : bytesOf(type) * 8;
	}

	private static Throwable cause(Throwable e) {
		while (e instanceof InvocationTargetException && e.getCause() != null) e = e.getCause();
		return e;
	}

	/** Bio-Formats' own words, prefixed with the exception's simple name when it is not a plain format error. */
	private static String describe(Throwable c) {
		String msg = c.getMessage() == null ? "" : c.getMessage().replace('\n', ' ').replace('\r', ' ').trim();
		String name = c.getClass().getSimpleName();
		if (name.equals("FormatException") || name.equals("UnknownFormatException")) return msg.isEmpty() ? name : msg;
		return msg.isEmpty() ? name : name + ": " + msg;
	}

	/** The Bio-Formats methods used, looked up once. */
	private static final class Api {
		final Class<?> type;
		final Method isThisType, setGroupFiles, setFlattenedResolutions, setId, close, getFormat, getSeriesCount, setSeries,
				isThumbnailSeries, getResolutionCount, setResolution, getSizeX, getSizeY, getSizeZ, getSizeT, getEffectiveSizeC,
				getRGBChannelCount, getPixelType, isLittleEndian, isInterleaved, isIndexed, isFalseColor, get8BitLookupTable,
				get16BitLookupTable, getIndex, getOptimalTileWidth, getOptimalTileHeight, openBytes;

		Api(Class<?> type) throws NoSuchMethodException {
			this.type = type;
			isThisType = type.getMethod("isThisType", String.class, boolean.class);
			setGroupFiles = type.getMethod("setGroupFiles", boolean.class);
			setFlattenedResolutions = type.getMethod("setFlattenedResolutions", boolean.class);
			setId = type.getMethod("setId", String.class);
			close = type.getMethod("close");
			getFormat = type.getMethod("getFormat");
			getSeriesCount = type.getMethod("getSeriesCount");
			setSeries = type.getMethod("setSeries", int.class);
			isThumbnailSeries = type.getMethod("isThumbnailSeries");
			getResolutionCount = type.getMethod("getResolutionCount");
			setResolution = type.getMethod("setResolution", int.class);
			getSizeX = type.getMethod("getSizeX");
			getSizeY = type.getMethod("getSizeY");
			getSizeZ = type.getMethod("getSizeZ");
			getSizeT = type.getMethod("getSizeT");
			getEffectiveSizeC = type.getMethod("getEffectiveSizeC");
			getRGBChannelCount = type.getMethod("getRGBChannelCount");
			getPixelType = type.getMethod("getPixelType");
			isLittleEndian = type.getMethod("isLittleEndian");
			isInterleaved = type.getMethod("isInterleaved");
			isIndexed = type.getMethod("isIndexed");
			isFalseColor = type.getMethod("isFalseColor");
			get8BitLookupTable = type.getMethod("get8BitLookupTable");
			get16BitLookupTable = type.getMethod("get16BitLookupTable");
			getIndex = type.getMethod("getIndex", int.class, int.class, int.class);
			getOptimalTileWidth = type.getMethod("getOptimalTileWidth");
			getOptimalTileHeight = type.getMethod("getOptimalTileHeight");
			openBytes = type.getMethod("openBytes", int.class, byte[].class, int.class, int.class, int.class, int.class);
		}

		Object invoke(Object r, Method m) throws ReflectiveOperationException {
			return m.invoke(r);
		}

		int integer(Object r, Method m) throws ReflectiveOperationException {
			return (Integer) m.invoke(r);
		}
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "Bio-Formats (planes above %d pixels reduced)", maxPixels);
	}
}
