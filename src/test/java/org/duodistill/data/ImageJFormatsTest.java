package org.duodistill.data;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.LUT;
import ij.process.ShortProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every format ImageJ 1 writes and reads, through the standard readers: pixel values are known by
 * construction, and for PNG/GIF/BMP/JPEG checked against javax.imageio as an independent decoder.
 */
class ImageJFormatsTest {
	static final int W = 40;
	static final int H = 30;

	@TempDir
	Path dir;

	static int value8(int x, int y) {
		return (x * 5 + y * 3) % 256;
	}

	static ByteProcessor gray8() {
		ByteProcessor ip = new ByteProcessor(W, H);
		for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) ip.set(x, y, value8(x, y));
		return ip;
	}

	private ImageData read(Path f) throws Exception {
		return ImageReaders.standard().readData(f, ReadOptions.DEFAULT);
	}

	@Test
	void eightBitFormatsKeepTheirValues() throws Exception {
		for (String ext : List.of("png", "gif", "bmp", "pgm", "tif")) {
			Path f = dir.resolve("g." + ext);
			FileSaver fs = new FileSaver(new ImagePlus("g", gray8()));
			boolean ok = switch (ext) {
				case "png" -> fs.saveAsPng(f.toString());
				case "gif" -> fs.saveAsGif(f.toString());
				case "bmp" -> fs.saveAsBmp(f.toString());
				case "pgm" -> fs.saveAsPgm(f.toString());
				default -> fs.saveAsTiff(f.toString());
			};
			assertTrue(ok, ext);
			ImagePlane p = read(f).planes().get(0);
			assertEquals(W, p.width(), ext);
			assertEquals(1, p.channels(), ext);
			for (int[] xy : new int[][] {{0, 0}, {13, 7}, {39, 29}}) {
				assertEquals(value8(xy[0], xy[1]), p.pixels()[xy[1] * W + xy[0]], 0, ext + " at " + xy[0] + "," + xy[1]);
			}
			if (!ext.equals("pgm") && !ext.equals("tif")) {
				BufferedImage bi = ImageIO.read(f.toFile());
				assertEquals(bi.getRaster().getSample(13, 7, 0), (int) p.pixels()[7 * W + 13], ext + " vs ImageIO");
			}
		}
	}

	@Test
	void jpegIsCloseToImageIo() throws Exception {
		Path f = dir.resolve("g.jpg");
		new FileSaver(new ImagePlus("g", gray8())).saveAsJpeg(f.toString());
		ImagePlane p = read(f).planes().get(0);
		BufferedImage bi = ImageIO.read(f.toFile());
		double diff = 0;
		for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) diff += Math.abs(bi.getRaster().getSample(x, y, 0) - p.pixels()[y * W + x]);
		assertTrue(diff / (W * H) < 1.0, "mean difference to ImageIO " + diff / (W * H));
	}

	@Test
	void sixteenBitPngAndFitsAndFloatTiff() throws Exception {
		ShortProcessor sp = new ShortProcessor(W, H);
		for (int i = 0; i < W * H; i++) sp.set(i, 1000 + i * 37);
		Path png = dir.resolve("s16.png");
		new FileSaver(new ImagePlus("s", sp)).saveAsPng(png.toString());
		ImageData d = read(png);
		assertEquals(16, d.bitDepth(), d.format());
		assertEquals(1000 + 5 * 37, d.planes().get(0).pixels()[5], 0);
		assertEquals(sp.get(5), ImageIO.read(png.toFile()).getRaster().getSample(5, 0, 0), "ImageIO agrees on the 16-bit PNG");

		FloatProcessor fp = new FloatProcessor(W, H);
		for (int i = 0; i < W * H; i++) fp.setf(i, -2.5f + i * 0.25f);
		Path fits = dir.resolve("f.fits");
		new FileSaver(new ImagePlus("f", fp)).saveAsFits(fits.toString());
		ImagePlane fitsPlane = read(fits).planes().get(0);
		assertEquals(W * H, fitsPlane.pixels().length);
		float min = Float.MAX_VALUE;
		float max = -Float.MAX_VALUE;
		for (float v : fitsPlane.pixels()) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		assertEquals(-2.5f, min, 1e-4, "FITS values survive");
		assertEquals(-2.5f + (W * H - 1) * 0.25f, max, 1e-3);
	}

	@Test
	void aColourPaletteBecomesRgbAndAnInvertingLutIsInverted() throws Exception {
		byte[] r = new byte[256];
		byte[] g = new byte[256];
		byte[] b = new byte[256];
		r[1] = (byte) 255; // index 1 = red
		g[2] = (byte) 255; // index 2 = green
		b[3] = (byte) 200; // index 3 = blue-ish
		ByteProcessor ip = new ByteProcessor(W, H);
		for (int i = 0; i < W * H; i++) ip.set(i, 1 + i % 3);
		ImagePlus palette = new ImagePlus("pal", ip);
		palette.getProcessor().setLut(new LUT(r, g, b));
		Path gif = dir.resolve("pal.gif");
		new FileSaver(palette).saveAsGif(gif.toString());
		ImagePlane p = read(gif).planes().get(0);
		assertEquals(3, p.channels(), "palette image read as colour");
		int n = W * H;
		assertEquals(255f, p.pixels()[0], "pixel 0 has index 1 = red: R");
		assertEquals(0f, p.pixels()[n], "G");
		assertEquals(255f, p.pixels()[n + 1], "pixel 1 has index 2 = green: G");
		assertEquals(200f, p.pixels()[2 * n + 2], "pixel 2 has index 3: B");

		ByteProcessor inv = gray8();
		inv.invertLut();
		Path tif = dir.resolve("inverted.tif");
		new FileSaver(new ImagePlus("inv", inv)).saveAsTiff(tif.toString());
		ImagePlane q = read(tif).planes().get(0);
		assertEquals(1, q.channels());
		assertEquals(255 - value8(13, 7), q.pixels()[7 * W + 13], 0, "shown intensity, not the stored index");

		ColorProcessor cp = new ColorProcessor(W, H);
		cp.set(0, 0, 0x102030);
		Path rgbPng = dir.resolve("rgb.png");
		new FileSaver(new ImagePlus("c", cp)).saveAsPng(rgbPng.toString());
		ImagePlane c = read(rgbPng).planes().get(0);
		assertEquals(3, c.channels());
		assertEquals(0x10, (int) c.pixels()[0]);
		assertEquals(0x30, (int) c.pixels()[2 * n]);
	}

	/**
	 * Plain greyscale PNGs (8 and 16 bits) are decoded directly ({@link PlainPng}); the planes must be
	 * those of ImageJ's own opener, value for value: the 300 sample images, 8- and 16-bit noise and
	 * ramps at odd sizes (ImageIO's writer picks every row filter on such content), a single row and
	 * a single column. Colour, palette and 1-bit PNGs are left to ImageJ.
	 */
	@Test
	void plainPngsGiveImageJsPlanesValueForValue() throws Exception {
		java.util.List<Path> files = new java.util.ArrayList<>();
		try (java.util.stream.Stream<Path> w = java.nio.file.Files.walk(Path.of("sample-images"))) {
			files.addAll(w.filter(f -> f.toString().endsWith(".png")).sorted().toList());
		}
		java.util.Random rng = new java.util.Random(7);
		int[][] sizes = {{37, 23}, {128, 128}, {1, 9}, {9, 1}, {301, 17}};
		for (int[] wh : sizes) {
			ShortProcessor noise = new ShortProcessor(wh[0], wh[1]);
			ShortProcessor ramp = new ShortProcessor(wh[0], wh[1]);
			ByteProcessor bytes = new ByteProcessor(wh[0], wh[1]);
			for (int i = 0; i < wh[0] * wh[1]; i++) {
				noise.set(i, rng.nextInt(65536));
				ramp.set(i, (i % wh[0]) * 200 + (i / wh[0]) * 3);
				bytes.set(i, rng.nextInt(7) * 40 + (i % 3));
			}
			for (var ip : List.of(noise, ramp, bytes)) {
				Path f = dir.resolve("plain-" + files.size() + ".png");
				assertTrue(new FileSaver(new ImagePlus("p", ip)).saveAsPng(f.toString()));
				files.add(f);
			}
		}
		int direct = 0;
		for (Path f : files) {
			byte[] bytes = java.nio.file.Files.readAllBytes(f);
			ImageData fast = PlainPng.decode(bytes);
			assertTrue(fast != null, f + " is a plain greyscale PNG");
			direct++;
			ImagePlus imp = new ij.io.Opener().openImage(f.toAbsolutePath().toString());
			ImageData imagej = ImageJReader.data(imp);
			assertEquals(imagej.bitDepth(), fast.bitDepth(), f.toString());
			assertEquals(imagej.width(), fast.width(), f.toString());
			assertEquals(imagej.height(), fast.height(), f.toString());
			assertEquals(1, fast.planes().size());
			org.junit.jupiter.api.Assertions.assertArrayEquals(imagej.planes().get(0).pixels(), fast.planes().get(0).pixels(), f.toString());
			assertEquals(fast.planes().get(0).pixels().length, read(f).planes().get(0).pixels().length);
		}
		assertEquals(300 + 3 * sizes.length, direct);
		Path rgb = dir.resolve("rgb.png");
		ColorProcessor cp = new ColorProcessor(W, H);
		cp.setColor(java.awt.Color.ORANGE);
		cp.fill();
		new FileSaver(new ImagePlus("c", cp)).saveAsPng(rgb.toString());
		assertEquals(null, PlainPng.decode(java.nio.file.Files.readAllBytes(rgb)), "colour is ImageJ's to read");
		assertEquals(3, read(rgb).planes().get(0).channels());
		Path cut = dir.resolve("cut.png");
		byte[] whole = java.nio.file.Files.readAllBytes(files.get(files.size() - 2));
		java.nio.file.Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
		assertEquals(null, PlainPng.read(cut, whole.length / 2), "a truncated PNG is left to ImageJ, which says why it fails");
	}
}
