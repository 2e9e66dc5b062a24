package org.duodistill.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dispatch to the Bio-Formats adapter. Bio-Formats itself is not on Maven Central's list here, so a
 * stand-in {@code loci.formats.ImageReader} (test scope) makes the class present; it claims only
 * {@code .fakebf} files whose bytes the tests write, so the adapter's conversions are checked
 * against known values.
 */
class BioFormatsDispatchTest {
	@TempDir
	Path dir;

	@Test
	void withoutBioFormatsOnlyImageJReads() {
		ClassLoader withoutLoci = new java.net.URLClassLoader(new java.net.URL[0], ClassLoader.getPlatformClassLoader());
		ImageReaders r = ImageReaders.withBioFormatsFrom(withoutLoci);
		assertEquals(java.util.List.of("NIfTI", "DICOM", "ImageJ"), r.readers().stream().map(ImageReader::name).toList());
	}

	@Test
	void withBioFormatsItReadsWhatItClaimsAndImageJTheRest() throws Exception {
		ImageReaders r = ImageReaders.standard();
		assertEquals(java.util.List.of("NIfTI", "DICOM", "Bio-Formats", "ImageJ"), r.readers().stream().map(ImageReader::name).toList());
		Path fake = write("a.fakebf", 3, 2, 3 /* UINT16 */, false, 1, false, 2, buf -> {
			for (int i = 0; i < 12; i++) buf.putShort((short) (60000 + i));
		});
		ImageData d = r.readData(fake, ReadOptions.DEFAULT);
		assertTrue(d.format().startsWith("Bio-Formats Fake"), d.format());
		assertEquals(2, d.planes().size());
		assertEquals(16, d.bitDepth());
		assertEquals(60000f, d.planes().get(0).pixels()[0]);
		assertEquals(60011f, d.planes().get(1).pixels()[5], "unsigned big-endian 16-bit");
		ImageData png = r.readData(Path.of("sample-images", "axial").resolve(Files.list(Path.of("sample-images", "axial")).sorted()
				.findFirst().orElseThrow().getFileName()), ReadOptions.DEFAULT);
		assertTrue(png.format().startsWith("ImageIO") || png.format().contains("8-bit"), png.format());
		assertTrue(!png.format().startsWith("Bio-Formats"));
	}

	@Test
	void signedLittleEndianAndInterleavedRgbConvert() throws Exception {
		ImageReaders r = ImageReaders.standard();
		Path s16 = write("s.fakebf", 2, 1, 2 /* INT16 */, true, 1, false, 1, buf -> {
			buf.putShort((short) -1000);
			buf.putShort((short) 1000);
		});
		float[] px = r.readData(s16, ReadOptions.DEFAULT).planes().get(0).pixels();
		assertEquals(-1000f, px[0]);
		assertEquals(1000f, px[1]);
		Path rgb = write("c.fakebf", 2, 1, 1 /* UINT8 */, true, 3, true, 1, buf -> buf.put(new byte[] {10, 20, 30, (byte) 200, 100, 50}));
		ImagePlane p = r.readData(rgb, ReadOptions.DEFAULT).planes().get(0);
		assertEquals(3, p.channels());
		// channel-major: R of both pixels, then G, then B
		assertEquals(10f, p.pixels()[0]);
		assertEquals(200f, p.pixels()[1]);
		assertEquals(20f, p.pixels()[2]);
		assertEquals(50f, p.pixels()[5]);
	}

	/** A 5000 x 4000 plane (20 Mpixel) is read in tiles and averaged down, never as one float array. */
	@Test
	void hugePlanesAreReducedWhileReading() throws Exception {
		int w = 5000;
		int h = 4000;
		Path big = write("big.fakebf", w, h, 1, true, 1, false, 1, buf -> {
			for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) buf.put((byte) value(x, y));
		});
		ImagePlane p = ImageReaders.standard().readData(big, ReadOptions.DEFAULT.withTargetSize(64)).planes().get(0);
		int factor = 4000 / (4 * 64);
		assertEquals(w / factor, p.width());
		assertEquals(h / factor, p.height());
		for (int[] o : new int[][] {{0, 0}, {7, 3}, {100, 200}}) {
			double sum = 0;
			for (int y = o[1] * factor; y < (o[1] + 1) * factor; y++) for (int x = o[0] * factor; x < (o[0] + 1) * factor; x++) sum += value(x, y);
			assertEquals(sum / (factor * factor), p.pixels()[o[1] * p.width() + o[0]], 1e-3);
		}
	}

	private static int value(int x, int y) {
		return (x + 2 * y) % 251;
	}

	interface Filler {
		void fill(ByteBuffer b);
	}

	private Path write(String name, int w, int h, int type, boolean little, int rgb, boolean interleaved, int count, Filler f)
			throws IOException {
		int bpp = new int[] {1, 1, 2, 2, 4, 4, 4, 8, 1}[type];
		ByteBuffer b = ByteBuffer.allocate(w * h * rgb * bpp * count).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
		f.fill(b);
		Path file = dir.resolve(name);
		try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
			out.writeBytes("FAKEBF");
			out.writeInt(w);
			out.writeInt(h);
			out.writeInt(type);
			out.writeBoolean(little);
			out.writeInt(rgb);
			out.writeBoolean(interleaved);
			out.writeInt(count);
			out.write(b.array());
		}
		return file;
	}
}
