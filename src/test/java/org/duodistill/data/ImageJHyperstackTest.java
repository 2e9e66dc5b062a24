package org.duodistill.data;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ImageJ reader reads hyperstacks by Bio-Formats' rule: the channels of one (z, t) are one sample.
 * Files are ImageJ's own formats written by ImageJ here, and a multi-channel OME-TIFF written by
 * tifffile (values from tifffile, in expected.json).
 */
class ImageJHyperstackTest {
	static final int W = 12, H = 10;

	@TempDir
	Path dir;

	/** A value that says where it comes from: 1000 t + 100 z + 10 c + a pattern. */
	static int value(int c, int z, int t, int x, int y) {
		return 1000 * t + 100 * z + 10 * c + (x + 2 * y) % 7;
	}

	static ImagePlus hyperstack(int nc, int nz, int nt, boolean eightBit) {
		ImageStack st = new ImageStack(W, H);
		for (int t = 1; t <= nt; t++) {
			for (int z = 1; z <= nz; z++) {
				for (int c = 1; c <= nc; c++) {
					var ip = eightBit ? new ByteProcessor(W, H) : new ShortProcessor(W, H);
					for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) ip.set(x, y, eightBit ? value(c, z, t, x, y) % 256 : value(c, z, t, x, y));
					st.addSlice("c" + c + "z" + z + "t" + t, ip);
				}
			}
		}
		ImagePlus imp = new ImagePlus("hyper", st);
		imp.setDimensions(nc, nz, nt);
		imp.setOpenAsHyperStack(true);
		return nc > 1 ? new CompositeImage(imp, IJ_COMPOSITE) : imp;
	}

	static final int IJ_COMPOSITE = ij.IJ.COMPOSITE;

	static ImageReaders imageJOnly() {
		return new ImageReaders(List.of(new ImageJReader()));
	}

	static void assertSample(ImagePlane p, int nc, int z, int t, boolean eightBit) {
		assertEquals(3, p.channels());
		for (int k = 0; k < 3; k++) {
			for (int y = 0; y < H; y++) {
				for (int x = 0; x < W; x++) {
					int want = k < nc ? value(k + 1, z, t, x, y) : 0;
					if (eightBit) want %= 256;
					assertEquals(want, p.pixels()[(k * H + y) * W + x], "channel " + (k + 1) + " of z" + z + " t" + t + " at " + x + "," + y);
				}
			}
		}
	}

	@Test
	void aThreeChannelHyperstackInImageJsTiffAndZipGivesOneSamplePerZAndT() throws Exception {
		ImagePlus imp = hyperstack(3, 2, 2, false);
		Path tif = dir.resolve("hyper.tif");
		Path zip = dir.resolve("hyper.zip");
		assertTrue(new FileSaver(imp).saveAsTiff(tif.toString()));
		assertTrue(new FileSaver(imp).saveAsZip(zip.toString()));
		for (Path f : List.of(tif, zip)) {
			ImageData d = imageJOnly().readData(f, ReadOptions.DEFAULT);
			assertEquals(4, d.planes().size(), f + ": one sample per (z, t), not per channel");
			assertEquals(List.of(1, 2, 3, 4), d.sliceNumbers());
			assertEquals(List.of(2, 2), d.stacks(), "the z-planes of each time point are a stack");
			assertTrue(d.format().contains("3 channels as RGB"), d.format());
			int i = 0;
			for (int t = 1; t <= 2; t++) for (int z = 1; z <= 2; z++) assertSample(d.planes().get(i++), 3, z, t, false);
		}
	}

	@Test
	void twoChannelsAreRedAndGreenAndMoreThanThreeKeepTheFirstThree() throws Exception {
		Path two = dir.resolve("two.tif");
		assertTrue(new FileSaver(hyperstack(2, 3, 1, true)).saveAsTiff(two.toString()));
		ImageData d = imageJOnly().readData(two, ReadOptions.DEFAULT);
		assertEquals(3, d.planes().size());
		assertEquals(24, d.planes().get(0).bitDepth(), "8-bit channels together are an RGB sample");
		assertTrue(d.format().contains("2 channels as red, green"), d.format());
		for (int z = 1; z <= 3; z++) assertSample(d.planes().get(z - 1), 2, z, 1, true);

		Path five = dir.resolve("five.tif");
		assertTrue(new FileSaver(hyperstack(5, 1, 2, false)).saveAsTiff(five.toString()));
		ImageData f = imageJOnly().readData(five, ReadOptions.DEFAULT);
		assertEquals(2, f.planes().size(), "one z: the time points are the samples");
		assertEquals(List.of(2), f.stacks(), "one z: the time points are the stack");
		assertTrue(f.format().contains("channels 1-3 of 5 as RGB"), f.format());
		for (int t = 1; t <= 2; t++) assertSample(f.planes().get(t - 1), 3, 1, t, false);
	}

	@Test
	void theSlicePolicyAppliesToTheZPlanesOfEachTimePoint() throws Exception {
		Path tif = dir.resolve("hyper.tif");
		assertTrue(new FileSaver(hyperstack(3, 3, 2, false)).saveAsTiff(tif.toString()));
		ImageData d = imageJOnly().readData(tif, new ReadOptions(new SlicePolicy(2, 1, 1, 0), 0));
		assertEquals(List.of(2, 5), d.sliceNumbers(), "the central z of each time point");
		assertSample(d.planes().get(1), 3, 2, 2, false);
	}

	@Test
	void anOpenImageWithoutChannelsReadsAsItsSlices() {
		ImagePlus zt = hyperstack(1, 2, 3, false);
		ImageData d = ImageJReader.data(zt);
		assertEquals(6, d.planes().size());
		assertEquals(List.of(2, 2, 2), d.stacks());
		assertEquals(1, d.planes().get(0).channels());
		assertEquals(value(1, 2, 3, 4, 5), d.planes().get(5).pixels()[5 * W + 4]);
		assertEquals(List.of(2, 3), java.util.Arrays.stream(ImageJReader.zt(zt, 6)).boxed().toList());
	}

	/** A multi-channel OME-TIFF by tifffile, without Bio-Formats (the command line): its OME-XML dimensions are honoured. */
	@Test
	void aMultiChannelOmeTiffReadsAsBioFormatsReadsItWithoutBioFormats() throws Exception {
		Path file = BioFormatsRealLibraryTest.DATA.resolve("zstack.ome.tif");
		ImageData d = imageJOnly().readData(file, ReadOptions.DEFAULT);
		com.google.gson.JsonObject expected = com.google.gson.JsonParser.parseString(
				java.nio.file.Files.readString(BioFormatsRealLibraryTest.DATA.resolve("expected.json"))).getAsJsonObject();
		com.google.gson.JsonArray planes = null;
		for (var e : expected.getAsJsonArray("cases")) {
			if (e.getAsJsonObject().get("file").getAsString().equals("zstack.ome.tif")) planes = e.getAsJsonObject().getAsJsonArray("planes");
		}
		assertEquals(planes.size(), d.planes().size(), "T=2 Z=4 C=2: 8 samples");
		assertEquals(List.of(4, 4), d.stacks());
		for (int i = 0; i < planes.size(); i++) assertNull(BioFormatsRealLibraryTest.compare(false, planes.get(i).getAsJsonObject(), d.planes().get(i)), "sample " + i);
	}

	/** The same ImageJ-written hyperstack through the real Bio-Formats: the same samples, value for value. */
	@Test
	void bioFormatsAndTheImageJReaderGiveTheSameSamples() throws Exception {
		ClassLoader loader = BioFormatsRealLibraryTest.bioFormatsLoader();
		assumeTrue(loader != null, "real Bio-Formats jars not found");
		Path tif = dir.resolve("both.tif");
		assertTrue(new FileSaver(hyperstack(3, 2, 2, false)).saveAsTiff(tif.toString()));
		ImageData ij = imageJOnly().readData(tif, ReadOptions.DEFAULT);
		ImageData bf = BioFormatsReader.find(loader).read(tif, ReadOptions.DEFAULT);
		assertEquals(bf.planes().size(), ij.planes().size());
		assertEquals(bf.stacks(), ij.stacks());
		for (int i = 0; i < bf.planes().size(); i++) {
			assertEquals(bf.planes().get(i).channels(), ij.planes().get(i).channels());
			assertTrue(java.util.Arrays.equals(bf.planes().get(i).pixels(), ij.planes().get(i).pixels()), "sample " + i);
		}
	}
}
