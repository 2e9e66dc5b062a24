package org.duodistill.data;

import ij.io.FileInfo;
import ij.io.TiffDecoder;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/**
 * Reads images too large to decode whole (a 20k x 20k slide would need gigabytes) at reduced
 * resolution while reading: uncompressed TIFF row by row with block averaging, PNG/JPEG/BMP/GIF
 * through ImageIO's source subsampling. Anything else that large is an error that suggests
 * Bio-Formats, which reads tiles and pyramids.
 */
final class LargeImageReader {
	/**
	 * Files smaller than (pixel budget / this) are decoded without probing their header: no image
	 * format compresses a plane over the budget that much.
	 */
	static final long MAX_COMPRESSION = 1024;

	private LargeImageReader() {}

	/** Width and height from the header alone, or null when the format is not one checked here. */
	static int[] dimensions(Path file) {
		String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
		try {
			if (n.endsWith(".tif") || n.endsWith(".tiff")) {
				FileInfo[] info = new TiffDecoder(file.getParent().toString() + "/", file.getFileName().toString()).getTiffInfo();
				return info == null || info.length == 0 ? null : new int[] {info[0].width, info[0].height};
			}
			try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
				Iterator<javax.imageio.ImageReader> it = in == null ? null : ImageIO.getImageReaders(in);
				if (it == null || !it.hasNext()) return null;
				javax.imageio.ImageReader r = it.next();
				try {
					r.setInput(in);
					return new int[] {r.getWidth(0), r.getHeight(0)};
				} finally {
					r.dispose();
				}
			}
		} catch (IOException | RuntimeException e) {
			return null;
		}
	}

	/** Reduction factor that keeps at least four times the input size (or fits the pixel budget). */
	static int factor(int w, int h, int targetSize, long maxPixels) {
		int f = targetSize > 0 ? Math.max(1, Math.min(w, h) / (4 * targetSize)) : 1;
		while ((long) (w / f) * (h / f) > maxPixels) f++;
		return f;
	}

	static ImageData read(Path file, int w, int h, int targetSize, long maxPixels) throws ImageReadException {
		int f = factor(w, h, targetSize, maxPixels);
		String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
		try {
			if (n.endsWith(".tif") || n.endsWith(".tiff")) return tiff(file, f);
			return imageIo(file, f, w, h);
		} catch (IOException e) {
			throw new ImageReadException(file, "cannot read large image (" + e.getMessage() + ")", e);
		}
	}

	private static ImageData tiff(Path file, int f) throws IOException, ImageReadException {
		FileInfo fi = new TiffDecoder(file.getParent().toString() + "/", file.getFileName().toString()).getTiffInfo()[0];
		int bpp;
		switch (fi.fileType) {
			case FileInfo.GRAY8: bpp = 1; break;
			case FileInfo.GRAY16_SIGNED: case FileInfo.GRAY16_UNSIGNED: bpp = 2; break;
			case FileInfo.GRAY32_FLOAT: bpp = 4; break;
			default: bpp = -1;
		}
		if (bpp < 0 || fi.compression != FileInfo.COMPRESSION_NONE || !contiguous(fi, bpp)) {
			throw new ImageReadException(file, String.format(Locale.ROOT,
					"%dx%d TIFF (%.0f Mpixel) is compressed, tiled or colour: too large for ImageJ's reader to decode whole; "
							+ "Bio-Formats (in Fiji, or bioformats_package.jar on the class path) reads it at reduced resolution",
					fi.width, fi.height, fi.width * (double) fi.height / 1e6));
		}
		int ow = Math.max(1, fi.width / f);
		int oh = Math.max(1, fi.height / f);
		double[] sum = new double[ow * oh];
		int[] count = new int[ow * oh];
		long start = fi.stripOffsets != null && fi.stripOffsets.length > 0 ? Integer.toUnsignedLong(fi.stripOffsets[0]) : fi.getOffset();
		ByteOrder order = fi.intelByteOrder ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
		try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
			byte[] row = new byte[fi.width * bpp];
			for (int y = 0; y < fi.height; y++) {
				raf.seek(start + (long) y * row.length);
				raf.readFully(row);
				ByteBuffer b = ByteBuffer.wrap(row).order(order);
				int oy = Math.min(oh - 1, y / f);
				for (int x = 0; x < fi.width; x++) {
					float v;
					switch (fi.fileType) {
						case FileInfo.GRAY8: v = b.get() & 0xff; break;
						case FileInfo.GRAY16_UNSIGNED: v = b.getShort() & 0xffff; break;
						case FileInfo.GRAY16_SIGNED: v = b.getShort(); break;
						default: v = b.getFloat();
					}
					int o = oy * ow + Math.min(ow - 1, x / f);
					sum[o] += v;
					count[o]++;
				}
			}
		}
		float[] px = new float[ow * oh];
		for (int i = 0; i < px.length; i++) px[i] = (float) (sum[i] / count[i]);
		ImagePlane p = new ImagePlane(ow, oh, 1, px, bpp * 8);
		return new ImageData(String.format(Locale.ROOT, "TIFF, %d-bit, read at 1/%d", bpp * 8, f), fi.width, fi.height, 1, bpp * 8,
				java.util.List.of(p));
	}

	private static boolean contiguous(FileInfo fi, int bpp) {
		if (fi.stripOffsets == null || fi.stripOffsets.length <= 1) return true;
		long expected = Integer.toUnsignedLong(fi.stripOffsets[0]);
		for (int i = 0; i < fi.stripOffsets.length; i++) {
			if (Integer.toUnsignedLong(fi.stripOffsets[i]) != expected) return false;
			expected += Integer.toUnsignedLong(fi.stripLengths[i]);
		}
		return expected - Integer.toUnsignedLong(fi.stripOffsets[0]) >= (long) fi.width * fi.height * bpp;
	}

	private static ImageData imageIo(Path file, int f, int w, int h) throws IOException, ImageReadException {
		try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
			Iterator<javax.imageio.ImageReader> it = ImageIO.getImageReaders(in);
			if (!it.hasNext()) throw new ImageReadException(file, "not a recognised image format");
			javax.imageio.ImageReader r = it.next();
			try {
				r.setInput(in);
				ImageReadParam param = r.getDefaultReadParam();
				param.setSourceSubsampling(f, f, 0, 0);
				BufferedImage img = r.read(0, param);
				DecodedImage conv = DecodedImage.of(img);
				return new ImageData(String.format(Locale.ROOT, "%s, read at 1/%d", r.getFormatName().toUpperCase(Locale.ROOT), f), w, h, 1,
						conv.plane().bitDepth(), java.util.List.of(conv.plane()));
			} finally {
				r.dispose();
			}
		}
	}

	/** A decoded BufferedImage as one grey or RGB plane. */
	private record DecodedImage(ImagePlane plane) {
		static DecodedImage of(BufferedImage img) {
			int w = img.getWidth();
			int h = img.getHeight();
			boolean colour = img.getColorModel().getNumColorComponents() >= 3;
			boolean sixteen = img.getRaster().getSampleModel().getSampleSize(0) == 16 && !colour;
			float[] px = new float[(colour ? 3 : 1) * w * h];
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					int i = y * w + x;
					if (colour) {
						int rgb = img.getRGB(x, y);
						px[i] = (rgb >> 16) & 0xff;
						px[w * h + i] = (rgb >> 8) & 0xff;
						px[2 * w * h + i] = rgb & 0xff;
					} else {
						px[i] = img.getRaster().getSample(x, y, 0);
					}
				}
			}
			return new DecodedImage(new ImagePlane(w, h, colour ? 3 : 1, px, colour ? 24 : sixteen ? 16 : 8));
		}
	}
}
