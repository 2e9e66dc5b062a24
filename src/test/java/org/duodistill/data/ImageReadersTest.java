package org.duodistill.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader chain: which reader reads a file, what happens when one fails in any way, and the
 * slice policy per stack. Readers written here stand for a decoder with a bug and for a file with
 * stacks; ImageJ reads real files behind them.
 */
class ImageReadersTest {
	@TempDir
	Path dir;

	/** Claims everything and fails the way a third-party decoder might. */
	record Failing(String name, RuntimeException failure) implements ImageReader {
		@Override
		public boolean claims(Path file) {
			return true;
		}

		@Override
		public ImageData read(Path file, ReadOptions options) {
			throw failure;
		}
	}

	/** Two stacks of three planes (say two time points of three z), plane value = its position. */
	record Stacked() implements ImageReader {
		@Override
		public String name() {
			return "Stacked";
		}

		@Override
		public boolean claims(Path file) {
			return true;
		}

		@Override
		public ImageData read(Path file, ReadOptions options) {
			List<ImagePlane> planes = new ArrayList<>();
			for (int i = 0; i < 6; i++) planes.add(new ImagePlane(2, 2, 1, new float[] {i, i, i, i + 1}, 8));
			return new ImageData("stacked", 2, 2, 6, 8, planes, List.of(3, 3));
		}
	}

	@Test
	void withoutBioFormatsOurReadersAndImageJ() {
		ClassLoader withoutLoci = new java.net.URLClassLoader(new java.net.URL[0], ClassLoader.getPlatformClassLoader());
		ImageReaders r = ImageReaders.withBioFormatsFrom(withoutLoci);
		assertEquals(List.of("NIfTI", "DICOM", "ImageJ"), r.readers().stream().map(ImageReader::name).toList());
	}

	@Test
	void anUnexpectedExceptionInOneReaderPassesTheFileToTheNext() throws Exception {
		Path tif = TestImages.gray8Tiff(dir.resolve("a.tif"), 8, 6, (x, y) -> x + 10 * y);
		ImageReaders readers = new ImageReaders(List.of(new Failing("Buggy", new ArrayIndexOutOfBoundsException("index 512")), new ImageJReader()));
		ImageData d = readers.readData(tif, ReadOptions.DEFAULT);
		assertEquals("ImageJ", d.reader());
		assertEquals(53f, d.planes().get(0).pixels()[5 * 8 + 3]);
	}

	@Test
	void whenEveryReaderFailsTheReasonSaysWhatEachSaid() throws Exception {
		Path text = java.nio.file.Files.writeString(dir.resolve("notes.png"), "not an image at all\n");
		ImageReaders readers = new ImageReaders(List.of(new Failing("Buggy", new IllegalStateException("codec state")), new ImageJReader()));
		ImageReadException e = assertThrows(ImageReadException.class, () -> readers.readData(text, ReadOptions.DEFAULT));
		assertEquals(text, e.file());
		assertTrue(e.reason().startsWith("Buggy: decoder failed (java.lang.IllegalStateException: codec state); ImageJ: a text file"), e.reason());
		// one reader alone keeps its own words
		ImageReadException alone = assertThrows(ImageReadException.class,
				() -> new ImageReaders(List.of(new ImageJReader())).readData(text, ReadOptions.DEFAULT));
		assertTrue(alone.reason().startsWith("a text file, not an image"), alone.reason());
	}

	@Test
	void aDamagedFileIsNotPassedOnToAReaderThatWouldPadIt() throws Exception {
		Path tif = TestImages.gray8Tiff(dir.resolve("b.tif"), 4, 4, (x, y) -> x);
		ImageReader damaging = new ImageReader() {
			@Override
			public String name() {
				return "Strict";
			}

			@Override
			public boolean claims(Path file) {
				return true;
			}

			@Override
			public ImageData read(Path file, ReadOptions options) throws ImageReadException {
				throw ImageReadException.damaged(file, "pixel data cut short");
			}
		};
		ImageReadException e = assertThrows(ImageReadException.class,
				() -> new ImageReaders(List.of(damaging, new ImageJReader())).readData(tif, ReadOptions.DEFAULT));
		assertEquals("pixel data cut short", e.reason());
	}

	@Test
	void theSlicePolicyAppliesToEachStack() throws Exception {
		ImageReaders readers = new ImageReaders(List.of(new Stacked()));
		Path any = dir.resolve("x");
		ImageData central = readers.readData(any, new ReadOptions(new SlicePolicy(2, 1, 1, 0), 0));
		assertEquals(List.of(2, 5), central.sliceNumbers(), "the central plane of each stack");
		assertEquals(List.of(1, 1), central.stacks());
		ImageData stepped = readers.readData(any, new ReadOptions(new SlicePolicy(2, 2, 0, 0), 0));
		assertEquals(List.of(1, 3, 4, 6), stepped.sliceNumbers(), "every second plane, counted in each stack");
		assertEquals("Stacked", stepped.reader());
	}

	@Test
	void pyramidLevelsAndReductionStayWithinTheBudget() {
		int[] w = {40000, 10000, 2500, 625};
		int[] h = {30000, 7500, 1875, 468};
		assertEquals(3, BioFormatsReader.pickLevel(w, h, 224, 16L << 20), "smallest level whose shorter side is >= 224");
		assertEquals(2, BioFormatsReader.pickLevel(w, h, 500, 16L << 20));
		assertEquals(0, BioFormatsReader.pickLevel(w, h, 50000, 16L << 20), "none large enough: the largest");
		assertEquals(2, BioFormatsReader.pickLevel(w, h, 0, 16L << 20), "no target: the largest level within the budget");
		assertEquals(3, BioFormatsReader.pickLevel(w, h, 0, 1000), "none within the budget: the smallest");
		assertEquals(1, BioFormatsReader.reduction(2500, 1875, 0, 16L << 20));
		assertEquals(6, BioFormatsReader.reduction(6000, 5000, 0, 1_000_000));
		int f = BioFormatsReader.reduction(100000, 80000, 64, 16L << 20);
		assertEquals(312, f, "four times the target size");
		assertTrue((100000L / f) * (80000L / f) <= 16L << 20);
	}

	@Test
	void tilesFollowTheFormatButNeverExceedTheBufferBudget() {
		assertArrayEquals(new int[] {512, 512}, BioFormatsReader.tileSize(512, 512, 40000, 30000, 1, 3, 8 << 20), "the format's tile");
		assertArrayEquals(new int[] {300, 200}, BioFormatsReader.tileSize(512, 512, 300, 200, 1, 3, 8 << 20), "clipped to the plane");
		int[] strip = BioFormatsReader.tileSize(100000, 100000, 100000, 100000, 1, 2, 8 << 20);
		assertTrue((long) strip[0] * strip[1] * 2 <= 8 << 20, "an untiled huge plane is read in bounded pieces: " + strip[0] + "x" + strip[1]);
		int[] reduced = BioFormatsReader.tileSize(256, 250, 20000, 20000, 6, 1, 8 << 20);
		assertEquals(0, reduced[1] % 6, "band height a multiple of the reduction factor");
	}
}
