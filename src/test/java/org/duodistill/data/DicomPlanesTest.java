package org.duodistill.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Enhanced multi-frame DICOM cut in other planes than the acquired one, against the volume pydicom
 * and nibabel make of the same files (src/test/resources/fixtures/dicom-planes/make_fixtures.py):
 * frames stored out of order, sorted along the normal by their positions; axial, coronal (oblong
 * pixels) and sagittal acquisitions. In the acquired plane the stored frames stay the samples.
 */
class DicomPlanesTest {
	static final Path DIR = Path.of("src/test/resources/fixtures/dicom-planes");
	private static JsonObject cases;

	@BeforeAll
	static void load() throws Exception {
		cases = JsonParser.parseString(Files.readString(DIR.resolve("expected.json"))).getAsJsonObject().getAsJsonObject("cases");
	}

	private static ImageData read(Path file, AnatomicalPlane plane) throws ImageReadException {
		return new DicomReader().read(file, new ReadOptions(new SlicePolicy(plane, 1, 0, 0), 0));
	}

	@Test
	void otherPlanesAreTheVolumeThePositionsDescribe() throws Exception {
		int cut = 0;
		for (Map.Entry<String, com.google.gson.JsonElement> e : cases.entrySet()) {
			JsonObject x = e.getValue().getAsJsonObject();
			Path file = DIR.resolve(x.get("file").getAsString());
			AnatomicalPlane acquired = AnatomicalPlane.parse(x.get("acquired").getAsString());
			ImageData stored = new DicomReader().read(file, new ReadOptions(new SlicePolicy(2, 1, 0, 0), 0));
			JsonArray zooms = x.getAsJsonArray("zooms");
			for (AnatomicalPlane plane : AnatomicalPlane.values()) {
				String what = e.getKey() + " " + plane;
				ImageData d = read(file, plane);
				if (plane == acquired) {
					assertEquals(stored.planes().size(), d.planes().size(), what);
					for (int k = 0; k < d.planes().size(); k++) {
						assertArrayEquals(stored.planes().get(k).pixels(), d.planes().get(k).pixels(), what + ": the stored frames, as stored");
					}
					continue;
				}
				ExpectedPlanes.assertMatches(x.getAsJsonObject("planes").getAsJsonObject(plane.id), zooms, plane, d, 1e-4f, what);
				assertTrue(d.format().contains(", acquired " + acquired.id + ", " + x.get("axcodes").getAsString() + " from DICOM positions (6 frames, "),
						d.format());
				cut++;
			}
		}
		assertEquals(6, cut, "3 files x 2 planes other than the acquired one");
	}

	@Test
	void framesThatDoNotFormAVolumeAreRefusedWithTheReason(@TempDir Path tmp) throws Exception {
		// two frames at one position (as echoes or time points are): no volume to cut
		byte[] b = Files.readAllBytes(DIR.resolve("axial-mf.dcm"));
		String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
		// the positions are decimal strings "-10.0\20.0\-27.0" etc.: make the frame at -27 claim -28
		int at = text.indexOf("-27.0");
		assertTrue(at > 0, "a frame position to edit");
		b[at + 2] = '8';
		Path dup = Files.write(tmp.resolve("dup.dcm"), b);
		ImageReadException ex = assertThrows(ImageReadException.class, () -> read(dup, AnatomicalPlane.CORONAL));
		assertTrue(ex.reason().startsWith("cannot cut 6 frames in the coronal plane: several frames lie at one position"), ex.reason());
		assertEquals(6, read(dup, AnatomicalPlane.AXIAL).planes().size(), "in the acquired plane they read as stored");
	}
}
