package org.duodistill.infer;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The map's way from network resolution to the input image, its peak, the rank correlation and the file names. */
class SaliencyMapsTest {
	@Test
	void aHotSpotLandsWhereItIsInTheInputImageOfAnotherSizeAndShape() {
		int s = 32;
		float[] raw = new float[s * s];
		raw[8 * s + 24] = 5f; // network pixel x=24, y=8: 3/4 across, 1/4 down
		float[] map = SaliencyMaps.toImage(raw, s, 200, 100);
		assertEquals(200 * 100, map.length);
		float max = 0, min = 1;
		for (float v : map) {
			max = Math.max(max, v);
			min = Math.min(min, v);
		}
		assertTrue(max <= 1f && max > 0.95f && min >= 0f, "scaled to 0-1: " + min + ".." + max);
		int[] p = SaliencyMaps.peak(map, 200);
		assertEquals((24 + 0.5) * 200 / s, p[0], 200.0 / s, "x " + p[0]);
		assertEquals((8 + 0.5) * 100 / s, p[1], 100.0 / s, "y " + p[1]);
	}

	@Test
	void anEmptyMapStaysZeroAndKeepsItsSize() {
		float[] map = SaliencyMaps.toImage(new float[16 * 16], 16, 16, 16);
		for (float v : map) assertEquals(0f, v);
	}

	@Test
	void spearmanIsOneForAnyIncreasingFunctionMinusOneReversedAndSharesTies() {
		float[] a = {1, 2, 3, 4, 5};
		assertEquals(1.0, Spearman.rho(a, new float[] {10, 20, 300, 4000, 50000}), 1e-12);
		assertEquals(-1.0, Spearman.rho(a, new float[] {5, 4, 3, 2, 1}), 1e-12);
		assertEquals(0.5, Spearman.ranks(new float[] {7, 7, 9})[0], 1e-12, "tied values share their mean rank");
		// by hand: ranks (1,2,3,4) and (2,1,4,3): d^2 = 4, rho = 1 - 6*4/(4*15) = 0.6
		assertEquals(0.6, Spearman.rho(new float[] {1, 2, 3, 4}, new float[] {2, 1, 4, 3}), 1e-12);
	}

	@Test
	void mapFilesAreNamedAfterTheImageItsFolderAndSlice() {
		Path out = Path.of("/out"), in = Path.of("/data");
		assertEquals(Path.of("/out/a/x.tif"), ExplanationFiles.mapFile(out, in, Path.of("/data/a/x.png"), 1, false));
		assertEquals(Path.of("/out/b/x.tif"), ExplanationFiles.mapFile(out, in, Path.of("/data/b/x.png"), 1, false), "same name, other folder");
		assertEquals(Path.of("/out/brain-slice0012.tif"), ExplanationFiles.mapFile(out, Path.of("/data/brain.nii.gz"), Path.of("/data/brain.nii.gz"), 12, true));
		assertEquals(Path.of("/out/cells-slice0003.tif"), ExplanationFiles.mapFile(out, in, Path.of("/data/cells.ome.tif"), 3, true));
		assertEquals(Path.of("/out/x-overlay.png"), ExplanationFiles.overlayFile(Path.of("/out/x.tif")));
	}

	@Test
	void windowTitlesBecomeOneFileName() {
		assertEquals("a_b_ c.tif", ExplanationFiles.safeName("a/b: c.tif"));
		assertEquals("x_y", ExplanationFiles.safeName("x\\y"));
		assertEquals("image", ExplanationFiles.safeName(".."));
		assertEquals("image", ExplanationFiles.safeName(" "));
		assertEquals(Path.of("/out/a_b-slice0002.tif"), ExplanationFiles.mapFile(Path.of("/out"), Path.of(ExplanationFiles.safeName("a/b.png")),
				Path.of(ExplanationFiles.safeName("a/b.png")), 2, true));
	}

	@Test
	void viridisRunsFromDarkPurpleToYellow() {
		int[] lo = Viridis.rgb(0f), hi = Viridis.rgb(1f);
		assertTrue(lo[2] > lo[1] && lo[0] < 100, "dark purple");
		assertTrue(hi[0] > 200 && hi[1] > 200 && hi[2] < 60, "yellow");
		assertEquals(256, Viridis.lut().getMapSize());
	}
}
