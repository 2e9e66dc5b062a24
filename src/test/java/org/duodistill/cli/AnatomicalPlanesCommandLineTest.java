package org.duodistill.cli;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.duodistill.cli.CommandLineTest.cli;
import static org.duodistill.cli.CommandLineTest.modelJson;
import static org.duodistill.cli.CommandLineTest.parseCsv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Planes by anatomy on the command line: model.json records the plane, classify, evaluate and
 * explain cut volumes in the model's plane unless told otherwise, and the same volume stored in two
 * voxel orders (nibabel's anatomical.nii, 33 x 41 x 25 LAS, and a PSR copy nibabel wrote) gets the
 * same rows in every plane, where storage axes give it different ones.
 */
class AnatomicalPlanesCommandLineTest {
	static final Path LAS = Path.of("src/test/resources/data/nifti/anatomical.nii");
	static final Path PSR = Path.of("src/test/resources/fixtures/nifti-orientation/anatomical-psr.nii.gz");

	@TempDir
	static Path shared;
	static Path coronalModel;

	@BeforeAll
	static void trainACoronalModel() throws Exception {
		Path data = shared.resolve("labelled");
		CommandLineTest.writeLabelledDataset(data, 8, 3);
		coronalModel = shared.resolve("coronal");
		CommandLineTest.Run r = CommandLineTest.train("--data", data, "--output", coronalModel, "--plane", "coronal", "--epochs", 1);
		assertEquals(0, r.code(), r.toString());
	}

	/** The CSV rows without the file column. */
	private static List<List<String>> rows(CommandLineTest.Run r) {
		assertEquals(0, r.code(), r.toString());
		return parseCsv(r.out()).stream().skip(1).map(row -> row.subList(1, row.size())).toList();
	}

	@Test
	void theModelRecordsItsPlaneAndClassifyCutsInIt() throws Exception {
		JsonObject slices = modelJson(coronalModel).getAsJsonObject("dataset").getAsJsonObject("slices");
		assertEquals("coronal", slices.get("plane").getAsString());
		assertTrue(!slices.has("axis"), "an anatomical cut records no storage axis: " + slices);
		// anatomical.nii is LAS 33 x 41 x 25: 41 coronal slices (canonical y), 25 axial, 33 sagittal
		assertEquals(41, rows(cli("classify", "--model", coronalModel, "--input", LAS)).size());
		assertEquals(25, rows(cli("classify", "--model", coronalModel, "--input", LAS, "--plane", "axial")).size());
		assertEquals(33, rows(cli("classify", "--model", coronalModel, "--input", LAS, "--plane", "sagittal")).size());
	}

	@Test
	void theSameVolumeInTwoVoxelOrdersGetsTheSameRowsInEveryPlane() {
		for (String plane : List.of("axial", "coronal", "sagittal")) {
			List<List<String>> las = rows(cli("classify", "--model", coronalModel, "--input", LAS, "--plane", plane));
			List<List<String>> psr = rows(cli("classify", "--model", coronalModel, "--input", PSR, "--plane", plane));
			assertEquals(las, psr, plane + ": slice numbers, predictions and probabilities");
		}
		// storage axes cut the two files differently: 25 slices of one, 33 of the other
		List<List<String>> lasZ = rows(cli("classify", "--model", coronalModel, "--input", LAS, "--slice-axis", "z"));
		List<List<String>> psrZ = rows(cli("classify", "--model", coronalModel, "--input", PSR, "--slice-axis", "z"));
		assertEquals(25, lasZ.size());
		assertEquals(33, psrZ.size());
	}

	@Test
	void evaluateAndExplainCutInTheModelsPlaneOrTheOneGiven(@TempDir Path work) throws Exception {
		Path data = work.resolve("volumes");
		Files.createDirectories(data.resolve("bar"));
		Files.createDirectories(data.resolve("disc"));
		Files.copy(LAS, data.resolve("bar").resolve("anatomical.nii"));
		Files.copy(PSR, data.resolve("disc").resolve("anatomical-psr.nii.gz"));
		CommandLineTest.Run coronal = cli("evaluate", "--model", coronalModel, "--data", data);
		assertEquals(0, coronal.code(), coronal.toString());
		assertTrue(coronal.out().contains("n,82"), "41 coronal slices of each volume:\n" + coronal.out());
		CommandLineTest.Run sagittal = cli("evaluate", "--model", coronalModel, "--data", data, "--plane", "sagittal");
		assertTrue(sagittal.out().contains("n,66"), "33 sagittal slices of each volume:\n" + sagittal.out());

		Path maps = work.resolve("maps");
		CommandLineTest.Run ex = cli("explain", "--model", coronalModel, "--input", LAS, "--output", maps, "--method", "gradient",
				"--plane", "axial");
		assertEquals(0, ex.code(), ex.toString());
		assertEquals(1 + 25, Files.readAllLines(maps.resolve("explanations.csv")).size(), "a map per axial slice");
	}

	@Test
	void aModelMadeBeforePlanesKeepsCuttingAlongStorageZ(@TempDir Path work) throws Exception {
		Path old = work.resolve("old");
		CommandLineTest.copyTree(coronalModel, old);
		JsonObject json = modelJson(old);
		JsonObject slices = json.getAsJsonObject("dataset").getAsJsonObject("slices");
		slices.remove("plane");
		slices.addProperty("axis", "z");
		Files.writeString(old.resolve("model.json"), json.toString());
		assertEquals(25, rows(cli("classify", "--model", old, "--input", LAS)).size());
		assertEquals(33, rows(cli("classify", "--model", old, "--input", PSR)).size());
		assertNotEquals(rows(cli("classify", "--model", old, "--input", LAS)), rows(cli("classify", "--model", old, "--input", PSR)));
	}

	@Test
	void planeAndStorageAxisAreOneChoice() {
		CommandLineTest.Run both = cli("classify", "--model", coronalModel, "--input", LAS, "--plane", "axial", "--slice-axis", "z");
		assertEquals(2, both.code(), both.toString());
		assertTrue(both.err().contains("give either --plane axial|coronal|sagittal"), both.err());
		CommandLineTest.Run wrong = cli("classify", "--model", coronalModel, "--input", LAS, "--plane", "oblique");
		assertEquals(2, wrong.code(), wrong.toString());
		assertTrue(wrong.err().contains("plane must be axial, coronal or sagittal, got 'oblique'"), wrong.err());
	}
}
