package org.duodistill.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Volumes cut by anatomical plane, against what nibabel's {@code as_closest_canonical} makes of
 * the fixtures (make_fixtures.py writes each plane as DuoDistill documents its display): RAS, LAS,
 * LPS and PSR storage, sform only, qform only, neither, oblique, anisotropic voxels, Analyze; and a
 * real volume stored in two voxel orders giving the same planes.
 */
class NiftiPlanesTest {
	static final Path DIR = NiftiOrientationTest.DIR;
	private static JsonObject cases;

	@BeforeAll
	static void load() throws Exception {
		cases = JsonParser.parseString(Files.readString(DIR.resolve("expected.json"))).getAsJsonObject().getAsJsonObject("cases");
	}

	static ImageData read(Path file, AnatomicalPlane plane) throws ImageReadException {
		return new NiftiReader().read(file, new ReadOptions(new SlicePolicy(plane, 1, 0, 0), 0));
	}

	@Test
	void everyPlaneOfEveryFixtureIsNibabelsCanonicalVolumeShownAsDocumented() throws Exception {
		int checked = 0;
		int resampled = 0;
		for (Map.Entry<String, com.google.gson.JsonElement> e : cases.entrySet()) {
			JsonObject x = e.getValue().getAsJsonObject();
			if (!x.has("planes")) continue;
			JsonArray zooms = x.getAsJsonArray("zooms");
			for (AnatomicalPlane plane : AnatomicalPlane.values()) {
				String what = e.getKey() + " " + plane;
				ImageData d = read(DIR.resolve(x.get("file").getAsString()), plane);
				if (ExpectedPlanes.assertMatches(x.getAsJsonObject("planes").getAsJsonObject(plane.id), zooms, plane, d, 1e-5f, what)) resampled++;
				checked++;
			}
		}
		assertEquals(30, checked, "10 fixtures x 3 planes");
		assertTrue(resampled > 0, "the anisotropic and Analyze fixtures have planes with oblong voxels");
	}

	@Test
	void theSameAnatomyStoredInAnotherVoxelOrderGivesTheSamePlanes() throws Exception {
		JsonObject x = cases.getAsJsonObject("anatomical-psr");
		Path original = DIR.resolve(x.get("same_as").getAsString());
		Path reordered = DIR.resolve(x.get("file").getAsString());
		for (AnatomicalPlane plane : AnatomicalPlane.values()) {
			ImageData a = read(original, plane);
			ImageData b = read(reordered, plane);
			assertEquals(a.planes().size(), b.planes().size(), plane + ": slice count");
			for (int k = 0; k < a.planes().size(); k++) {
				ImagePlane pa = a.planes().get(k);
				ImagePlane pb = b.planes().get(k);
				assertEquals(pa.width(), pb.width(), plane + " width");
				assertEquals(pa.height(), pb.height(), plane + " height");
				assertArrayEquals(pa.pixels(), pb.pixels(), plane + " slice " + k);
			}
		}
		// while along storage z they are different images
		SlicePolicy z = new SlicePolicy(2, 1, 0, 0);
		List<ImagePlane> za = new NiftiReader().read(original, new ReadOptions(z, 0)).planes();
		List<ImagePlane> zb = new NiftiReader().read(reordered, new ReadOptions(z, 0)).planes();
		assertNotEquals(za.size() + "x" + za.get(0).width() + "x" + za.get(0).height(),
				zb.size() + "x" + zb.get(0).width() + "x" + zb.get(0).height(), "storage z cuts the two files differently");
	}

	@Test
	void theFormatLineSaysWhereTheOrientationCameFromAndHowThePlaneWasMade() throws Exception {
		assertTrue(read(DIR.resolve("psr.nii"), AnatomicalPlane.AXIAL).format().endsWith(", PSR from sform, axial planes 6x4 at 1 x 1 mm"),
				read(DIR.resolve("psr.nii"), AnatomicalPlane.AXIAL).format());
		assertTrue(read(DIR.resolve("qform-only.nii"), AnatomicalPlane.CORONAL).format().endsWith(", PSR from qform, coronal planes 6x5 at 1 x 1 mm"));
		assertTrue(read(DIR.resolve("neither.nii"), AnatomicalPlane.AXIAL).format().contains(", LAS (no sform or qform: voxel sizes only), axial planes"));
		assertTrue(read(DIR.resolve("analyze.hdr"), AnatomicalPlane.AXIAL).format()
				.contains("LAS (Analyze: no orientation stored, voxel sizes only), axial planes 4x5 at 1 x 2 mm, resampled to 4x10 (square 1 mm pixels)"),
				read(DIR.resolve("analyze.hdr"), AnatomicalPlane.AXIAL).format());
		String oblique = read(DIR.resolve("oblique.nii"), AnatomicalPlane.AXIAL).format();
		assertTrue(oblique.contains("RAS from sform (oblique by 20.0\u00b0: cut along the closest anatomical axes)"), oblique);
		// storage axes keep the format line as it was: no anatomy claimed
		String storage = new NiftiReader().read(DIR.resolve("psr.nii"), new ReadOptions(new SlicePolicy(2, 1, 0, 0), 0)).format();
		assertTrue(storage.endsWith(", 4x5x6"), storage);
	}

	@Test
	void aSingleSliceIsCutInThePlaneItLiesIn() throws Exception {
		// nibabel's 2-D test image (one slice, LAS): asked for sagittal planes it still gives its one axial slice
		Path flat = NiftiReaderTest.DIR.resolve("derived_2d.nii");
		ImageData axial = read(flat, AnatomicalPlane.AXIAL);
		ImageData sagittal = read(flat, AnatomicalPlane.SAGITTAL);
		assertEquals(axial.planes().size(), sagittal.planes().size());
		assertArrayEquals(axial.planes().get(0).pixels(), sagittal.planes().get(0).pixels());
		assertTrue(sagittal.format().contains(" slice "), sagittal.format());
	}
}
