package org.duodistill.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * NIfTI-1 and NIfTI-2 volumes ({@code .nii}, {@code .nii.gz}, and {@code .hdr}/{@code .img} pairs),
 * and Analyze 7.5 pairs, read from the format's specification without any imaging library.
 *
 * <p>What is read: both header versions in either byte order (told apart by how {@code sizeof_hdr}
 * reads, 348 or 540), gzip-compressed files (recognised by their content, decompressed as a stream
 * and only as far as the voxel data reach), {@code vox_offset} (header extensions are skipped),
 * {@code dim[0..7]}, {@code pixdim}, the sform and qform, the datatypes uint8, int8, int16,
 * uint16, int32, uint32, int64, uint64, float32, float64 and RGB24, and
 * {@code scl_slope}/{@code scl_inter}, applied whenever the slope is neither 0 nor NaN/infinite
 * (not to RGB24, as the specification says; not to Analyze, which has no such fields).
 *
 * <p>Planes, when the slice policy names an anatomical plane (the default, axial): the voxel axes
 * are permuted and flipped into the canonical RAS+ frame, as nibabel's {@code as_closest_canonical}
 * does, from the orientation nibabel would use ({@link NiftiOrientation}: the sform when its code is
 * > 0, else the qform when its code is > 0, else the voxel sizes alone, as for Analyze), with no
 * interpolation; an oblique volume is cut along the anatomical axes closest to its voxel axes.
 * Each plane is then shown as {@link AnatomicalPlane} says (subject's right on the image right,
 * anterior or superior up) and, when its two in-plane voxel sizes differ, resampled (bilinear) to
 * square pixels of the smaller size, as a viewer shows it. The same anatomy stored in another voxel
 * order thus gives the same planes. A file with a single slice (third dimension 1) gives that slice,
 * in the plane it lies in, whatever plane was asked for.
 *
 * <p>Planes, when the policy names a storage axis ({@code --slice-axis}, for stacks without
 * anatomy): one per index along that axis (0 = x, 1 = y, 2 = z), image x the first remaining axis
 * in file order and image y the second, nothing flipped or resampled.
 *
 * <p>Either way the planes are 1-channel floats, or 3 (R, G, B) for RGB24, in increasing index
 * order. <b>4-D files</b> (and 5- to 7-D ones, whose extra dimensions are folded into the fourth in
 * file order) give every volume along t: all planes of the first volume, then all planes of the
 * second, and so on. Step, central-N and empty-slice selection are left to {@link ImageReaders}.
 * The format line of the import report says where the orientation came from, the axis codes, any
 * obliquity, the plane, its voxel size and any resampling.
 *
 * <p>Bit depth reported: 8 for (u)int8, 16 for (u)int16, 24 for RGB24 (as ImageJ reports RGB),
 * 32 otherwise. Unreadable files (bad magic, absurd dimensions, unsupported datatypes, truncated or
 * corrupt gzip data, volumes over {@link #MAX_FLOAT_BYTES}) give an {@link ImageReadException}
 * naming the problem; sizes are checked before anything large is allocated.
 */
public final class NiftiReader implements ImageReader {
	/** Largest volume read: 1.5 GiB of 32-bit float planes. */
	public static final long MAX_FLOAT_BYTES = 1536L << 20;

	private static final int CHUNK = 3 * 8 * 8192; // a whole number of voxels for every voxel size (1, 2, 3, 4, 8)
	private static final String SUPPORTED = "uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64, RGB24";

	@Override
	public String name() {
		return "NIfTI";
	}

	@Override
	public boolean claims(Path file) {
		String n = lowerName(file);
		if (n.endsWith(".nii") || n.endsWith(".nii.gz")) return true;
		if (n.endsWith(".hdr") || n.endsWith(".hdr.gz")) return looksLikeHeader(file);
		if (n.endsWith(".img") || n.endsWith(".img.gz")) {
			Path hdr = pairHeader(file);
			return hdr != null && looksLikeHeader(hdr);
		}
		return false;
	}

	@Override
	public ImageData read(Path file, ReadOptions options) throws ImageReadException {
		try {
			return readVolume(file, options.slices());
		} catch (OutOfMemoryError e) {
			throw new ImageReadException(file, "not enough memory to read this NIfTI volume (" + e.getMessage() + ")", e);
		} catch (RuntimeException e) {
			throw new ImageReadException(file, "NIfTI decoder failed: " + e, e);
		}
	}

	// ------------------------------------------------------------------------------------------
	// Header
	// ------------------------------------------------------------------------------------------

	/** The header fields this reader uses. */
	record Header(int version, ByteOrder order, boolean pair, boolean analyze, long[] dims, int datatype, long voxOffset, double slope,
			double inter, byte[] raw) {
		boolean scaled() {
			return !analyze && datatype != 128 && slope != 0 && Double.isFinite(slope);
		}

		/** The intercept used with the slope; a NaN or infinite one counts as 0. */
		double intercept() {
			return Double.isFinite(inter) ? inter : 0;
		}
	}

	private static Header parseHeader(Path file, CountingInputStream in) throws ImageReadException {
		byte[] b = new byte[540];
		int n = readUpTo(file, in, b, 0, 4, "header");
		if (n == 0) throw new ImageReadException(file, "empty file (0 bytes)");
		if (n < 4) throw new ImageReadException(file, "truncated: the file ends after " + n + " bytes, inside the NIfTI header");
		int le = ByteBuffer.wrap(b, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
		int be = ByteBuffer.wrap(b, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
		int version;
		ByteOrder order;
		if (le == 348 || be == 348) {
			version = 1;
			order = le == 348 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
		} else if (le == 540 || be == 540) {
			version = 2;
			order = le == 540 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
		} else {
			throw new ImageReadException(file, "not a NIfTI file: sizeof_hdr is " + le + " (expected 348 for NIfTI-1 or 540 for NIfTI-2)");
		}
		int size = version == 1 ? 348 : 540;
		n = 4 + readUpTo(file, in, b, 4, size - 4, "header");
		if (n < size) {
			throw new ImageReadException(file, "truncated: expected a " + size + "-byte NIfTI-" + version + " header, found " + n + " bytes");
		}
		ByteBuffer h = ByteBuffer.wrap(b, 0, size).order(order);
		boolean analyze = version == 1 && isAnalyzePair(file, b);
		boolean pair = analyze || checkMagic(file, b, version);
		long[] dims = new long[8];
		for (int i = 0; i < 8; i++) dims[i] = version == 1 ? h.getShort(40 + 2 * i) : h.getLong(16 + 8 * i);
		int datatype = h.getShort(version == 1 ? 70 : 12);
		long voxOffset;
		double slope;
		double inter;
		if (version == 1) {
			float vo = h.getFloat(108);
			if (!(vo >= 0) || vo != Math.rint(vo) || vo > 1e15f) {
				throw new ImageReadException(file, "corrupt NIfTI header: vox_offset is " + vo);
			}
			voxOffset = (long) vo;
			slope = h.getFloat(112);
			inter = h.getFloat(116);
		} else {
			voxOffset = h.getLong(168);
			if (voxOffset < 0) throw new ImageReadException(file, "corrupt NIfTI header: vox_offset is " + voxOffset);
			slope = h.getDouble(176);
			inter = h.getDouble(184);
		}
		if (!pair && voxOffset < size + 4) {
			// Some writers leave vox_offset 0 in single files; the data then follow the header and its 4 extension bytes.
			if (voxOffset != 0) {
				throw new ImageReadException(file, "corrupt NIfTI header: vox_offset " + voxOffset + " lies inside the "
						+ (size + 4) + "-byte header");
			}
			voxOffset = size + 4;
		}
		if (analyze) {
			// Analyze keeps no orientation: nibabel reads it as pixdim alone, which the sform/qform codes of 0 give
			for (int at = 252; at < 256; at++) b[at] = 0;
		}
		Header hd = new Header(version, order, pair, analyze, dims, datatype, voxOffset, slope, inter, java.util.Arrays.copyOf(b, size));
		checkDims(file, hd);
		return hd;
	}

	/** An Analyze 7.5 header: no NIfTI magic, in a .hdr file (its data in the .img beside it). */
	private static boolean isAnalyzePair(Path file, byte[] b) {
		String n = lowerName(file);
		return (n.endsWith(".hdr") || n.endsWith(".hdr.gz")) && b[344] == 0 && b[345] == 0 && b[346] == 0 && b[347] == 0;
	}

	/** Whether the magic says "pair" (data in a separate .img); throws when it is no NIfTI magic. */
	private static boolean checkMagic(Path file, byte[] b, int version) throws ImageReadException {
		int at = version == 1 ? 344 : 4;
		String expect = version == 1 ? "\"n+1\" or \"ni1\"" : "\"n+2\" or \"ni2\"";
		char v = version == 1 ? '1' : '2';
		boolean single = b[at] == 'n' && b[at + 1] == '+' && b[at + 2] == v && b[at + 3] == 0;
		boolean pair = b[at] == 'n' && b[at + 1] == 'i' && b[at + 2] == v && b[at + 3] == 0;
		if (!single && !pair) {
			if (version == 1 && b[at] == 0 && b[at + 1] == 0 && b[at + 2] == 0 && b[at + 3] == 0) {
				throw new ImageReadException(file, "not a NIfTI file: no NIfTI magic (an Analyze 7.5 header?), expected " + expect);
			}
			throw new ImageReadException(file, "not a NIfTI file: magic is '" + printable(b, at, 4) + "' (expected " + expect + ")");
		}
		if (version == 2 && !(b[8] == '\r' && b[9] == '\n' && b[10] == 0x1a && b[11] == '\n')) {
			throw new ImageReadException(file, "corrupt NIfTI-2 header: the magic's check bytes \\r\\n\\032\\n are damaged"
					+ " (was the file copied as text?)");
		}
		return pair;
	}

	private static void checkDims(Path file, Header h) throws ImageReadException {
		long nd = h.dims()[0];
		if (nd < 1 || nd > 7) {
			throw new ImageReadException(file, "corrupt NIfTI header: dim[0] (number of dimensions) is " + nd + ", expected 1 to 7");
		}
		for (int i = 1; i <= nd; i++) {
			if (h.dims()[i] < 1) {
				throw new ImageReadException(file, "corrupt NIfTI header: dim[" + i + "] is " + h.dims()[i] + " (each of the "
						+ nd + " dimensions must be at least 1)");
			}
		}
	}

	// ------------------------------------------------------------------------------------------
	// Datatypes
	// ------------------------------------------------------------------------------------------

	private enum Type {
		UINT8(2, 1, "uint8", 8), INT8(256, 1, "int8", 8), INT16(4, 2, "int16", 16), UINT16(512, 2, "uint16", 16),
		INT32(8, 4, "int32", 32), UINT32(768, 4, "uint32", 32), INT64(1024, 8, "int64", 32), UINT64(1280, 8, "uint64", 32),
		FLOAT32(16, 4, "float32", 32), FLOAT64(64, 8, "float64", 32), RGB24(128, 3, "RGB24", 24);

		final int code;
		final int bytes;
		final String label;
		final int bitDepth;

		Type(int code, int bytes, String label, int bitDepth) {
			this.code = code;
			this.bytes = bytes;
			this.label = label;
			this.bitDepth = bitDepth;
		}

		static Type of(Path file, int code) throws ImageReadException {
			for (Type t : values()) if (t.code == code) return t;
			String name = switch (code) {
				case 0 -> "unknown";
				case 1 -> "binary (1 bit)";
				case 32 -> "complex64";
				case 1536 -> "float128";
				case 1792 -> "complex128";
				case 2048 -> "complex256";
				case 2304 -> "RGBA32";
				default -> "not a NIfTI datatype code";
			};
			throw new ImageReadException(file, "unsupported NIfTI datatype " + code + " (" + name + "); supported: " + SUPPORTED);
		}
	}

	// ------------------------------------------------------------------------------------------
	// Reading
	// ------------------------------------------------------------------------------------------

	private ImageData readVolume(Path file, SlicePolicy policy) throws ImageReadException {
		String lower = lowerName(file);
		if (lower.endsWith(".img") || lower.endsWith(".img.gz")) {
			Path hdr = pairHeader(file);
			throw new ImageReadException(file, "the voxel data of the NIfTI/Analyze pair " + (hdr == null ? "header" : hdr.getFileName())
					+ "; the pair is read through its .hdr file");
		}
		try (CountingInputStream in = open(file)) {
			Header h = parseHeader(file, in);
			Type type = Type.of(file, h.datatype());
			long[] d = h.dims();
			int nd = (int) d[0];
			long nx = d[1];
			long ny = nd >= 2 ? d[2] : 1;
			long nz = nd >= 3 ? d[3] : 1;
			long volumes = 1;
			long voxels;
			try {
				for (int i = 4; i <= nd; i++) volumes = Math.multiplyExact(volumes, d[i]);
				voxels = Math.multiplyExact(Math.multiplyExact(Math.multiplyExact(nx, ny), nz), volumes);
			} catch (ArithmeticException e) {
				throw new ImageReadException(file, "absurd NIfTI dimensions " + dimText(h) + ": too many voxels to count");
			}
			long[] dims3 = {nx, ny, nz};
			NiftiOrientation orientation = policy.anatomical() ? NiftiOrientation.of(h.raw(), dims3) : null;
			VoxelLayout layout = orientation == null ? VoxelLayout.storage(dims3, nz == 1 ? 2 : policy.axis())
					: VoxelLayout.anatomical(dims3, orientation, policy.plane());
			long w = layout.width();
			long hgt = layout.height();
			long along = layout.along();
			int channels = type == Type.RGB24 ? 3 : 1;
			checkSizes(file, h, w, hgt, channels, voxels, along * volumes);
			long dataBytes = voxels * type.bytes; // <= 1.5 GiB / 4 * 8: no overflow after checkSizes
			long planeCount = along * volumes;
			SquarePixels square = orientation == null ? null : SquarePixels.of(layout, orientation);
			if (square != null) checkSizes(file, h, square.width(), square.height(), channels, (long) square.width() * square.height() * planeCount, planeCount);

			Path dataFile = file;
			CountingInputStream data = in;
			CountingInputStream own = null;
			try {
				if (h.pair()) {
					dataFile = pairData(file);
					own = open(dataFile);
					data = own;
				}
				if (!isGzip(data)) {
					long available = Files.size(dataFile) - h.voxOffset();
					if (available < dataBytes) {
						throw new ImageReadException(file, "truncated: expected " + dataBytes + " bytes of voxel data, found "
								+ Math.max(0, available) + (dataFile.equals(file) ? "" : " in " + dataFile.getFileName()));
					}
				}
				skipTo(file, data, h.voxOffset());
				// planes are allocated as the data reach them: a truncated file costs no more than its data
				float[][] planes = new float[(int) planeCount][];
				decode(file, data, h, type, layout, planes, (int) (w * hgt), dataBytes);
				if (isGzip(data)) checkGzipEnd(dataFile, data);
				List<ImagePlane> out = new ArrayList<>(planes.length);
				for (int i = 0; i < planes.length; i++) {
					ImagePlane p = new ImagePlane((int) w, (int) hgt, channels, planes[i], type.bitDepth);
					planes[i] = null; // the resampled copy replaces it: one plane's worth of extra memory at a time
					out.add(square == null ? p : square.resample(p));
				}
				String format = format(h, type) + (orientation == null ? "" : ", " + describe(orientation, layout, square, h.analyze()));
				return new ImageData(format, (int) w, (int) hgt, out.size(), type.bitDepth, out);
			} finally {
				if (own != null) own.close();
			}
		} catch (ImageReadException e) {
			throw e;
		} catch (IOException e) {
			throw new ImageReadException(file, "cannot read file (" + e.getMessage() + ")", e);
		}
	}

	private static String describe(NiftiOrientation o, VoxelLayout layout, SquarePixels square, boolean analyze) {
		String source = switch (o.source()) {
			case SFORM -> " from sform";
			case QFORM -> " from qform";
			default -> analyze ? " (Analyze: no orientation stored, voxel sizes only)" : " (no sform or qform: voxel sizes only)";
		};
		return layout.describe(o, square, source);
	}

	private static void checkSizes(Path file, Header h, long w, long hgt, int channels, long voxels, long planes)
			throws ImageReadException {
		if (w * hgt > (Integer.MAX_VALUE - 8) / channels) {
			throw new ImageReadException(file, "NIfTI dimensions " + dimText(h) + " give planes of " + w + "x" + hgt
					+ " voxels, more than the 2^31-1 a plane can hold");
		}
		long floats = voxels > MAX_FLOAT_BYTES ? Long.MAX_VALUE : voxels * channels * 4;
		if (floats > MAX_FLOAT_BYTES) {
			throw new ImageReadException(file, "NIfTI volume " + dimText(h) + " is too large: " + voxels + " voxels need "
					+ mib(voxels * (double) channels * 4) + " as 32-bit floats, more than the " + mib(MAX_FLOAT_BYTES) + " this reader accepts");
		}
		// each plane also costs an array and an ImagePlane: about 64 bytes
		long need = floats + planes * 64;
		if (need > MAX_FLOAT_BYTES) {
			throw new ImageReadException(file, "NIfTI volume " + dimText(h) + " is too large: " + planes + " planes of "
					+ w + "x" + hgt + " voxels need " + mib(need) + ", more than the " + mib(MAX_FLOAT_BYTES) + " this reader accepts");
		}
		long heap = Runtime.getRuntime().maxMemory();
		if (heap != Long.MAX_VALUE && need > heap) {
			throw new ImageReadException(file, "NIfTI volume " + dimText(h) + " needs " + mib(need)
					+ " as 32-bit floats, more than Java's maximum memory (" + mib(heap) + ")");
		}
	}

	/** Decodes the voxel data volume by volume, scattering each voxel into its plane as the layout says. */
	private static void decode(Path file, CountingInputStream in, Header h, Type type, VoxelLayout layout, float[][] planes,
			int planeSize, long dataBytes) throws ImageReadException {
		byte[] buf = new byte[(int) Math.min(CHUNK, dataBytes)];
		ByteBuffer bb = ByteBuffer.wrap(buf).order(h.order());
		boolean scaled = h.scaled();
		double slope = h.slope();
		double inter = h.intercept();
		int nx = (int) layout.dims()[0];
		int ny = (int) layout.dims()[1];
		int nz = (int) layout.dims()[2];
		int nAlong = (int) layout.along();
		VoxelLayout.Scatter scatter = layout.scatter();
		int channels = type == Type.RGB24 ? 3 : 1;
		long start = in.count();
		long remaining = dataBytes;
		int x = 0;
		int y = 0;
		int z = 0;
		int vol = 0;
		while (remaining > 0) {
			int len = (int) Math.min(buf.length, remaining);
			int got = readUpTo(file, in, buf, 0, len, "data", start, dataBytes);
			if (got < len) {
				throw new ImageReadException(file, "truncated: expected " + dataBytes + " bytes of voxel data, found "
						+ (in.count() - start));
			}
			remaining -= len;
			int count = len / type.bytes;
			for (int k = 0; k < count; k++) {
				int plane = vol * nAlong + scatter.plane(x, y, z);
				int offset = scatter.offset(x, y, z);
				float[] p = planes[plane];
				if (p == null) p = planes[plane] = new float[planeSize * channels];
				if (type == Type.RGB24) {
					int at = 3 * k;
					p[offset] = buf[at] & 0xff;
					p[planeSize + offset] = buf[at + 1] & 0xff;
					p[2 * planeSize + offset] = buf[at + 2] & 0xff;
				} else {
					double v = value(bb, type, k);
					p[offset] = (float) (scaled ? v * slope + inter : v);
				}
				if (++x == nx) {
					x = 0;
					if (++y == ny) {
						y = 0;
						if (++z == nz) {
							z = 0;
							vol++;
						}
					}
				}
			}
		}
	}

	private static double value(ByteBuffer bb, Type type, int k) {
		switch (type) {
			case UINT8: return bb.get(k) & 0xff;
			case INT8: return bb.get(k);
			case INT16: return bb.getShort(2 * k);
			case UINT16: return bb.getShort(2 * k) & 0xffff;
			case INT32: return bb.getInt(4 * k);
			case UINT32: return bb.getInt(4 * k) & 0xffffffffL;
			case INT64: return bb.getLong(8 * k);
			case UINT64: {
				long v = bb.getLong(8 * k);
				return v >= 0 ? v : (double) (v & Long.MAX_VALUE) + 0x1p63;
			}
			case FLOAT32: return bb.getFloat(4 * k);
			case FLOAT64: return bb.getDouble(8 * k);
			default: throw new IllegalStateException(type.label);
		}
	}

	// ------------------------------------------------------------------------------------------
	// Streams
	// ------------------------------------------------------------------------------------------

	/** A stream that counts the (decompressed) bytes it has delivered. */
	private static final class CountingInputStream extends FilterInputStream {
		private final boolean gzip;
		private long count;

		CountingInputStream(InputStream in, boolean gzip) {
			super(in);
			this.gzip = gzip;
		}

		long count() {
			return count;
		}

		@Override
		public int read() throws IOException {
			int r = super.read();
			if (r >= 0) count++;
			return r;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			int r = super.read(b, off, len);
			if (r > 0) count += r;
			return r;
		}

		@Override
		public long skip(long n) throws IOException {
			long r = super.skip(n);
			if (r > 0) count += r;
			return r;
		}
	}

	private static boolean isGzip(CountingInputStream in) {
		return in.gzip;
	}

	/** The file's bytes, decompressed when the content (not the name) is gzip. */
	private static CountingInputStream open(Path file) throws ImageReadException {
		InputStream raw;
		try {
			raw = Files.newInputStream(file);
		} catch (IOException e) {
			throw new ImageReadException(file, "cannot read file (" + e + ")", e);
		}
		try {
			BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
			in.mark(2);
			int b0 = in.read();
			int b1 = in.read();
			in.reset();
			if (b0 == 0x1f && b1 == 0x8b) return new CountingInputStream(new GZIPInputStream(in, 1 << 16), true);
			return new CountingInputStream(in, false);
		} catch (EOFException e) {
			close(raw);
			throw new ImageReadException(file, "truncated: the gzip header is incomplete", e);
		} catch (ZipException e) {
			close(raw);
			throw new ImageReadException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
		} catch (IOException e) {
			close(raw);
			throw new ImageReadException(file, "cannot read file (" + e + ")", e);
		}
	}

	private static void close(InputStream in) {
		try {
			in.close();
		} catch (IOException ignored) {
			// nothing to do
		}
	}

	private static int readUpTo(Path file, CountingInputStream in, byte[] b, int off, int len, String part) throws ImageReadException {
		return readUpTo(file, in, b, off, len, part, 0, 0);
	}

	/** Reads until len bytes or the end; gzip errors become reasons naming the part being read. */
	private static int readUpTo(Path file, CountingInputStream in, byte[] b, int off, int len, String part, long dataStart,
			long dataBytes) throws ImageReadException {
		int n = 0;
		try {
			while (n < len) {
				int r = in.read(b, off + n, len - n);
				if (r < 0) break;
				n += r;
			}
			return n;
		} catch (EOFException e) {
			if (part.equals("data")) {
				throw new ImageReadException(file, "truncated: expected " + dataBytes + " bytes of voxel data, found "
						+ (in.count() - dataStart) + " (the gzip stream ends early)", e);
			}
			throw new ImageReadException(file, "truncated: the gzip stream ends after " + in.count() + " bytes, inside the NIfTI "
					+ part, e);
		} catch (ZipException e) {
			throw new ImageReadException(file, "corrupt gzip data in the NIfTI " + (part.equals("data") ? "voxel data" : part)
					+ " (" + e.getMessage() + ")", e);
		} catch (IOException e) {
			throw new ImageReadException(file, "cannot read file (" + e + ")", e);
		}
	}

	/**
	 * Voxel data usually reach the end of a .nii.gz: reading the few bytes left lets GZIPInputStream
	 * check the CRC, which catches corruption that still inflates. Long trailing data are not read.
	 */
	private static void checkGzipEnd(Path file, CountingInputStream in) throws ImageReadException {
		byte[] scratch = new byte[8192];
		long budget = 1 << 20;
		try {
			while (budget > 0) {
				int r = in.read(scratch, 0, scratch.length);
				if (r < 0) return;
				budget -= r;
			}
		} catch (ZipException e) {
			throw new ImageReadException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
		} catch (EOFException e) {
			throw new ImageReadException(file, "truncated: the gzip stream ends early, after the voxel data", e);
		} catch (IOException e) {
			throw new ImageReadException(file, "cannot read file (" + e + ")", e);
		}
	}

	/** Reads on to byte {@code offset} (header extensions and padding are skipped). */
	private static void skipTo(Path file, CountingInputStream in, long offset) throws ImageReadException {
		byte[] scratch = new byte[8192];
		while (in.count() < offset) {
			int len = (int) Math.min(scratch.length, offset - in.count());
			int got = readUpTo(file, in, scratch, 0, len, "header extensions");
			if (got < len) {
				throw new ImageReadException(file, "truncated: vox_offset is " + offset + " but the "
						+ (in.gzip ? "decompressed data end" : "file ends") + " after " + in.count() + " bytes");
			}
		}
	}

	// ------------------------------------------------------------------------------------------
	// Names and text
	// ------------------------------------------------------------------------------------------

	private static String lowerName(Path file) {
		Path n = file.getFileName();
		return n == null ? "" : n.toString().toLowerCase(Locale.ROOT);
	}

	/** Cheap check of a .hdr: does sizeof_hdr read as 348 or 540 in either byte order? */
	private static boolean looksLikeHeader(Path hdr) {
		try (CountingInputStream in = open(hdr)) {
			byte[] b = new byte[4];
			if (in.readNBytes(b, 0, 4) < 4) return false;
			int le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
			int be = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).getInt();
			return le == 348 || be == 348 || le == 540 || be == 540;
		} catch (IOException e) {
			return false;
		}
	}

	private static String stem(Path file) {
		String n = file.getFileName().toString();
		String lower = n.toLowerCase(Locale.ROOT);
		for (String ext : new String[] {".nii.gz", ".hdr.gz", ".img.gz", ".nii", ".hdr", ".img"}) {
			if (lower.endsWith(ext)) return n.substring(0, n.length() - ext.length());
		}
		return n;
	}

	private static Path sibling(Path file, String... exts) {
		String stem = stem(file);
		for (String e : exts) {
			Path p = file.resolveSibling(stem + e);
			if (Files.isRegularFile(p)) return p;
		}
		return null;
	}

	private static Path pairHeader(Path img) {
		return sibling(img, ".hdr", ".hdr.gz", ".HDR", ".HDR.GZ");
	}

	private static Path pairData(Path hdr) throws ImageReadException {
		Path p = sibling(hdr, ".img", ".img.gz", ".IMG", ".IMG.GZ");
		if (p == null) {
			throw new ImageReadException(hdr, "the voxel data file " + stem(hdr) + ".img of this NIfTI pair is missing");
		}
		return p;
	}

	private static String format(Header h, Type type) {
		StringBuilder s = new StringBuilder("NIfTI-").append(h.version()).append(h.pair() ? " pair " : " ").append(type.label)
				.append(h.order() == ByteOrder.LITTLE_ENDIAN ? " (little-endian), " : " (big-endian), ").append(dimText(h));
		if (h.scaled() && !(h.slope() == 1 && h.intercept() == 0)) {
			s.append(", scl_slope ").append(number(h.slope(), h.version())).append(", scl_inter ")
					.append(number(h.intercept(), h.version()));
		}
		return s.toString();
	}

	private static String dimText(Header h) {
		StringBuilder s = new StringBuilder();
		long nd = Math.max(1, Math.min(7, h.dims()[0]));
		for (int i = 1; i <= nd; i++) s.append(i > 1 ? "x" : "").append(h.dims()[i]);
		return s.toString();
	}

	/** Integers plainly; otherwise as the stored float32 (NIfTI-1) or float64 (NIfTI-2) reads. */
	private static String number(double v, int version) {
		if (v == Math.floor(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
		return version == 1 ? Float.toString((float) v) : Double.toString(v);
	}

	private static String mib(double bytes) {
		return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
				: String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
	}

	private static String printable(byte[] b, int off, int len) {
		StringBuilder s = new StringBuilder();
		for (int i = off; i < off + len; i++) {
			int c = b[i] & 0xff;
			if (c >= 0x20 && c < 0x7f) s.append((char) c);
			else s.append(String.format(Locale.ROOT, "\\x%02x", c));
		}
		return s.toString();
	}
}
