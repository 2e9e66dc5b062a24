package org.duodistill.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Orientation read as nibabel reads it, against fixtures nibabel wrote and read back
 * (src/test/resources/fixtures/nifti-orientation/make_fixtures.py): the affine chosen (sform,
 * qform, or voxel sizes alone), the axis codes, and the canonical RAS+ array value by value, for
 * RAS, LAS, LPS and a permuted (PSR) storage order, sform only, qform only, neither, an oblique
 * affine and anisotropic voxels.
 */
class NiftiOrientationTest {
	static final Path DIR = Path.of("src/test/resources/fixtures/nifti-orientation");

	@Test
	void everyFixtureIsReadAsNibabelReadsIt() throws Exception {
		JsonObject cases = JsonParser.parseString(Files.readString(DIR.resolve("expected.json"))).getAsJsonObject().getAsJsonObject("cases");
		assertTrue(cases.size() >= 9);
		for (Map.Entry<String, com.google.gson.JsonElement> e : cases.entrySet()) {
			String name = e.getKey();
			JsonObject x = e.getValue().getAsJsonObject();
			if (!x.has("canonical") || !x.get("file").getAsString().endsWith(".nii")) continue; // read by NiftiPlanesTest
			byte[] file = Files.readAllBytes(DIR.resolve(x.get("file").getAsString()));
			ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
			long[] dims = {b.getShort(42), b.getShort(44), b.getShort(46)};
			NiftiOrientation o = NiftiOrientation.of(java.util.Arrays.copyOf(file, 348), dims);
			assertEquals(x.get("axcodes").getAsString(), o.codes(), name);
			JsonArray aff = x.getAsJsonArray("affine");
			for (int r = 0; r < 3; r++) {
				for (int c = 0; c < 4; c++) {
					assertEquals(aff.get(r).getAsJsonArray().get(c).getAsDouble(), o.affine()[r][c], 1e-4, name + " affine[" + r + "][" + c + "]");
				}
			}
			int vox = (int) b.getFloat(108);
			float[] v = new float[(int) (dims[0] * dims[1] * dims[2])];
			for (int i = 0; i < v.length; i++) v[i] = b.getFloat(vox + 4 * i);
			JsonArray shape = x.getAsJsonArray("canonical_shape");
			long[] cd = o.canonicalDims(dims);
			for (int i = 0; i < 3; i++) assertEquals(shape.get(i).getAsLong(), cd[i], name + " canonical shape");
			JsonArray canon = x.getAsJsonArray("canonical");
			float[] expected = new float[canon.size()];
			for (int i = 0; i < expected.length; i++) expected[i] = canon.get(i).getAsFloat();
			assertArrayEquals(expected, o.toCanonical(v, dims), name + ": the canonical voxels");
		}
	}

	@Test
	void theSourceObliquityAndSpacingAreReported() throws Exception {
		assertEquals(NiftiOrientation.Source.SFORM, read("sform-only.nii").source());
		assertEquals(NiftiOrientation.Source.QFORM, read("qform-only.nii").source());
		assertEquals(NiftiOrientation.Source.PIXDIM, read("neither.nii").source());
		assertEquals(20, read("oblique.nii").obliquityDegrees(), 1e-3, "rotated 20 degrees about z");
		assertEquals(0, read("psr.nii").obliquityDegrees(), 1e-6);
		assertArrayEquals(new double[] {0.5, 0.5, 5}, read("anisotropic.nii").spacing(), 1e-6);
	}

	@Test
	void theSameAnatomyInTwoStorageOrdersGivesTheSameCanonicalVolume() throws Exception {
		NiftiOrientation ras = read("ras.nii");
		NiftiOrientation psr = read("psr.nii");
		long[] rasDims = {4, 5, 6};
		float[] world = new float[120];
		for (int i = 0; i < 120; i++) world[i] = i;
		float[] canonicalRas = ras.toCanonical(world, rasDims);
		// the same voxels stored in PSR order, as another converter might write them: PSR's axes run
		// posterior, superior, right (dims 5, 6, 4), so its voxel (i, j, k) is RAS voxel (k, 4 - i, j)
		long[] psrDims = {5, 6, 4};
		float[] stored = new float[120];
		for (int k = 0; k < 4; k++) {
			for (int j = 0; j < 6; j++) {
				for (int i = 0; i < 5; i++) stored[i + 5 * (j + 6 * k)] = world[k + 4 * ((4 - i) + 5 * j)];
			}
		}
		assertArrayEquals(canonicalRas, psr.toCanonical(stored, psrDims));
	}

	private static NiftiOrientation read(String name) throws Exception {
		byte[] file = Files.readAllBytes(DIR.resolve(name));
		ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
		return NiftiOrientation.of(java.util.Arrays.copyOf(file, 348), new long[] {b.getShort(42), b.getShort(44), b.getShort(46)});
	}
}
