package org.duodistill.data;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images above the reader's pixel budget are reduced while reading. The budget is lowered to one
 * megapixel here so that a 3000 x 2000 file stands in for a whole-slide image.
 */
class LargeImageTest {
	static final int W = 3000;
	static final int H = 2000;
	static final ImageReaders READERS = new ImageReaders(List.of(new ImageJReader(1_000_000)));

	@TempDir
	Path dir;

	static int value(int x, int y) {
		return (3 * x + 7 * y) % 253;
	}

	@Test
	void anUncompressedTiffIsBlockAveragedRowByRow() throws Exception {
		ByteProcessor ip = new ByteProcessor(W, H);
		for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) ip.set(x, y, value(x, y));
		Path f = dir.resolve("big8.tif");
		new FileSaver(new ImagePlus("big", ip)).saveAsTiff(f.toString());
		ImageData d = READERS.readData(f, ReadOptions.DEFAULT.withTargetSize(64));
		int factor = H / (4 * 64);
		ImagePlane p = d.planes().get(0);
		assertEquals(W, d.width(), "the report keeps the file's own size");
		assertEquals(W / factor, p.width());
		assertEquals(H / factor, p.height());
		assertTrue(d.format().contains("1/" + factor), d.format());
		for (int[] o : new int[][] {{0, 0}, {5, 9}, {200, 100}}) {
			double sum = 0;
			for (int y = o[1] * factor; y < (o[1] + 1) * factor; y++) for (int x = o[0] * factor; x < (o[0] + 1) * factor; x++) sum += value(x, y);
			assertEquals(sum / (factor * factor), p.pixels()[o[1] * p.width() + o[0]], 1e-3);
		}
	}

	@Test
	void sixteenBitTiffKeepsItsValues() throws Exception {
		ShortProcessor ip = new ShortProcessor(W, H);
		for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) ip.set(x, y, 40000 + value(x, y));
		Path f = dir.resolve("big16.tif");
		new FileSaver(new ImagePlus("big", ip)).saveAsTiff(f.toString());
		ImagePlane p = READERS.readData(f, ReadOptions.DEFAULT.withTargetSize(64)).planes().get(0);
		assertEquals(16, p.bitDepth());
		float min = Float.MAX_VALUE;
		for (float v : p.pixels()) min = Math.min(min, v);
		assertTrue(min >= 40000, "unsigned 16-bit values above 32767 survive: " + min);
	}

	@Test
	void aLargePngIsSubsampledByImageIo() throws Exception {
		ByteProcessor ip = new ByteProcessor(W, H);
		for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) ip.set(x, y, value(x, y));
		Path f = dir.resolve("big.png");
		new FileSaver(new ImagePlus("big", ip)).saveAsPng(f.toString());
		ImagePlane p = READERS.readData(f, ReadOptions.DEFAULT.withTargetSize(64)).planes().get(0);
		int factor = H / (4 * 64);
		assertEquals((W + factor - 1) / factor, p.width());
		assertEquals(value(10 * factor, 20 * factor), p.pixels()[20 * p.width() + 10], 1e-6);
	}

	@Test
	void aLargeColourTiffIsAClearErrorThatSuggestsBioFormats() throws Exception {
		ColorProcessor ip = new ColorProcessor(W, H);
		Path f = dir.resolve("bigrgb.tif");
		new FileSaver(new ImagePlus("big", ip)).saveAsTiff(f.toString());
		ImageReadException e = assertThrows(ImageReadException.class, () -> READERS.readData(f, ReadOptions.DEFAULT.withTargetSize(64)));
		assertTrue(e.reason().contains("3000x2000") && e.reason().contains("Bio-Formats"), e.reason());
	}

	@Test
	void smallImagesAreReadWholeAsBefore() throws Exception {
		ByteProcessor ip = new ByteProcessor(100, 50);
		Path f = dir.resolve("small.tif");
		new FileSaver(new ImagePlus("s", ip)).saveAsTiff(f.toString());
		ImagePlane p = READERS.readData(f, ReadOptions.DEFAULT.withTargetSize(64)).planes().get(0);
		assertEquals(100, p.width());
	}
}
