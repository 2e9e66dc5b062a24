package org.duodistill.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The planes a fixture script wrote for one anatomical plane ({@code count}, {@code width},
 * {@code height}, row-major {@code values}) compared with what a reader gave; where the fixture's
 * voxel sizes ({@code zooms}, canonical axes) make the pixels oblong, the expected plane is first
 * resampled bilinearly to square pixels of the smaller size, as the readers document.
 */
final class ExpectedPlanes {
	private ExpectedPlanes() {}

	/** @return whether the planes were resampled to square pixels */
	static boolean assertMatches(JsonObject expected, JsonArray zooms, AnatomicalPlane plane, ImageData d, float tolerance, String what) {
		int count = expected.get("count").getAsInt();
		int w = expected.get("width").getAsInt();
		int h = expected.get("height").getAsInt();
		JsonArray values = expected.getAsJsonArray("values");
		assertEquals(count, d.planes().size(), what + ": slice count");
		double sc = zooms.get(plane.column).getAsDouble();
		double sr = zooms.get(plane.row).getAsDouble();
		double square = Math.min(sc, sr);
		int ew = (int) Math.round(w * sc / square);
		int eh = (int) Math.round(h * sr / square);
		for (int k = 0; k < count; k++) {
			float[] want = new float[w * h];
			for (int i = 0; i < want.length; i++) want[i] = values.get(k * w * h + i).getAsFloat();
			if (ew != w || eh != h) {
				FloatProcessor fp = new FloatProcessor(w, h, want);
				fp.setInterpolationMethod(ImageProcessor.BILINEAR);
				want = (float[]) fp.resize(ew, eh).getPixels();
			}
			ImagePlane p = d.planes().get(k);
			assertEquals(ew, p.width(), what + " slice " + k + " width");
			assertEquals(eh, p.height(), what + " slice " + k + " height");
			assertArrayEquals(want, p.pixels(), tolerance, what + " slice " + k);
		}
		return ew != w || eh != h;
	}
}
