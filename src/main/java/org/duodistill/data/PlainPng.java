package org.duodistill.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the plain greyscale PNG, the common form of exported CT and MR slices: 8 or 16 bits, one
 * grey channel, no palette, no transparency, not interlaced. ImageJ opens these through the JDK's
 * ImageIO, which copies 16-bit samples one pixel at a time (about 0.5 ms for 128 x 128 here); this
 * reads the same values straight from the inflated rows. Anything else (or anything odd) returns
 * null, and ImageJ reads the file as before: the planes are the same either way
 * ({@code ImageJFormatsTest}).
 */
final class PlainPng {
	private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	/** Larger files go to ImageJ, whose reader handles huge planes ({@link LargeImageReader}). */
	private static final long MAX_BYTES = 64L << 20;

	private PlainPng() {}

	/** The file's one plane, or null when it is not a plain greyscale PNG this class decodes. */
	static ImageData read(Path file, long size) {
		if (size > MAX_BYTES || size < 8 + 25 + 12) return null;
		try {
			byte[] b;
			try (InputStream in = Files.newInputStream(file)) {
				b = in.readNBytes((int) size);
			}
			return decode(b);
		} catch (IOException | DataFormatException | RuntimeException e) {
			return null;
		}
	}

	static ImageData decode(byte[] b) throws DataFormatException {
		for (int i = 0; i < 8; i++) if (b[i] != SIGNATURE[i]) return null;
		int pos = 8;
		int width = 0, height = 0, depth = 0;
		Inflater inflater = new Inflater();
		try {
			byte[] raw = null;
			int filled = 0;
			boolean header = false;
			while (pos + 8 <= b.length) {
				int length = int32(b, pos);
				String type = new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
				int data = pos + 8;
				if (length < 0 || data + length + 4 > b.length) return null;
				switch (type) {
					case "IHDR" -> {
						if (length != 13) return null;
						width = int32(b, data);
						height = int32(b, data + 4);
						depth = b[data + 8];
						int colour = b[data + 9], compression = b[data + 10], filter = b[data + 11], interlace = b[data + 12];
						if (colour != 0 || (depth != 8 && depth != 16) || compression != 0 || filter != 0 || interlace != 0) return null;
						if (width <= 0 || height <= 0 || (long) width * height > (64L << 20)) return null;
						raw = new byte[(1 + width * (depth / 8)) * height];
						header = true;
					}
					case "tRNS", "PLTE" -> {
						return null;
					}
					case "IDAT" -> {
						if (!header) return null;
						inflater.setInput(b, data, length);
						while (!inflater.needsInput() && filled < raw.length) {
							int n = inflater.inflate(raw, filled, raw.length - filled);
							if (n == 0 && (inflater.finished() || inflater.needsDictionary())) break;
							filled += n;
						}
					}
					case "IEND" -> {
						if (!header || filled != raw.length) return null;
						return new ImageData("PNG, " + depth + "-bit", width, height, 1, depth,
								java.util.List.of(new ImagePlane(width, height, 1, samples(raw, width, height, depth), depth)));
					}
					default -> {
						// ancillary chunks (text, gamma, physical size) change no sample value; an unknown critical one does
						if ((type.charAt(0) & 0x20) == 0) return null;
					}
				}
				pos = data + length + 4;
			}
			return null;
		} finally {
			inflater.end();
		}
	}

	/** Undoes each row's filter in place and returns the samples as floats. */
	private static float[] samples(byte[] raw, int width, int height, int depth) {
		int bpp = depth / 8;
		int stride = width * bpp;
		float[] px = new float[width * height];
		int prev = -1;
		for (int y = 0; y < height; y++) {
			int row = y * (stride + 1);
			int filter = raw[row];
			int at = row + 1;
			switch (filter) {
				case 0 -> { }
				case 1 -> {
					for (int i = bpp; i < stride; i++) raw[at + i] += raw[at + i - bpp];
				}
				case 2 -> {
					if (prev >= 0) for (int i = 0; i < stride; i++) raw[at + i] += raw[prev + i];
				}
				case 3 -> {
					for (int i = 0; i < stride; i++) {
						int left = i >= bpp ? raw[at + i - bpp] & 0xff : 0;
						int up = prev >= 0 ? raw[prev + i] & 0xff : 0;
						raw[at + i] += (byte) ((left + up) >>> 1);
					}
				}
				case 4 -> {
					for (int i = 0; i < stride; i++) {
						int a = i >= bpp ? raw[at + i - bpp] & 0xff : 0;
						int u = prev >= 0 ? raw[prev + i] & 0xff : 0;
						int c = i >= bpp && prev >= 0 ? raw[prev + i - bpp] & 0xff : 0;
						raw[at + i] += (byte) paeth(a, u, c);
					}
				}
				default -> throw new IllegalArgumentException("PNG row filter " + filter);
			}
			int o = y * width;
			if (bpp == 1) {
				for (int x = 0; x < width; x++) px[o + x] = raw[at + x] & 0xff;
			} else {
				for (int x = 0; x < width; x++) px[o + x] = ((raw[at + 2 * x] & 0xff) << 8) | (raw[at + 2 * x + 1] & 0xff);
			}
			prev = at;
		}
		return px;
	}

	private static int paeth(int a, int b, int c) {
		int p = a + b - c;
		int pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
		if (pa <= pb && pa <= pc) return a;
		return pb <= pc ? b : c;
	}

	private static int int32(byte[] b, int i) {
		return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
	}
}
