package org.duodistill.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export proven, not claimed: students written by {@link ModelExport} (committed under
 * fixtures/FAMILY/export/) were loaded by scripts/make_vit_convnext_fixtures.py into the PyTorch
 * reference modules with {@code load_state_dict(strict=True)}, and PyTorch's logits stored. Here: the
 * exporter still writes exactly those bytes, our logits for those files match PyTorch's, and export
 * then import gives back every tensor unchanged.
 */
class ExportProofTest {
	@TempDir
	Path dir;

	@BeforeAll
	static void engine() {
		Engines.configure(2);
	}

	@Test
	void everyFamilyExportsWhatPyTorchLoadsStrictlyAndComputesAlike() throws Exception {
		for (String[] row : ExportFixtures.STUDENTS) {
			String family = row[0];
			SavedModel student = ExportFixtures.student(row);
			Path written = dir.resolve(ExportFixtures.fileName(family));
			ModelExport.write(student, written, false);
			Path committed = Fixtures.path(family, "export/" + ExportFixtures.fileName(family));
			assertArrayEquals(Files.readAllBytes(committed), Files.readAllBytes(written), family + ": the exporter writes the proven bytes");

			CheckpointImport.Imported back = CheckpointImport.load(written, null);
			assertEquals(student.spec(), back.spec(), family + ": the architecture comes back from the file's metadata");
			for (Map.Entry<String, HostTensor> e : student.weights().entrySet()) {
				assertArrayEquals(e.getValue().data(), back.weights().get(e.getKey()).data(), family + " " + e.getKey() + " round trip");
			}
			Map<String, HostTensor> io = Fixtures.read(family, "export/" + ExportFixtures.fileName(family).replace(".safetensors", "_logits.safetensors"));
			ViTAndConvNeXtParityTest.assertParity(io.get("logits_eval").data(), ViTAndConvNeXtParityTest.logits(back.spec(), back.weights(), io.get("input")),
					family + " export, PyTorch strict load");
			Map<String, String> meta = SafeTensors.readWithMetadata(written).metadata();
			assertTrue(meta.containsKey("classes") && meta.containsKey("preprocessing") && meta.containsKey("reference_config"), meta.keySet().toString());
		}
	}

	@Test
	void theExportNeverReplacesAFileUnasked() throws Exception {
		SavedModel student = ExportFixtures.student(ExportFixtures.STUDENTS[2]);
		Path f = Files.writeString(dir.resolve("mine.safetensors"), "precious");
		assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> ModelExport.write(student, f, false));
		assertEquals("precious", Files.readString(f));
		ModelExport.write(student, f, true);
		assertEquals(student.spec(), CheckpointImport.load(f, null).spec());
	}

	@Test
	void timmsConvolutionalMlpImportsAsTheSameLinearLayers() throws Exception {
		Map<String, HostTensor> t = Fixtures.read("convnext", "teacher.safetensors");
		LinkedHashMap<String, HostTensor> conv = new LinkedHashMap<>();
		for (Map.Entry<String, HostTensor> e : t.entrySet()) {
			HostTensor v = e.getValue();
			boolean mlp = e.getKey().endsWith("mlp.fc1.weight") || e.getKey().endsWith("mlp.fc2.weight");
			conv.put(e.getKey(), mlp ? new HostTensor(new long[] {v.dim(0), v.dim(1), 1, 1}, v.data()) : v);
		}
		Path f = dir.resolve("conv_mlp.safetensors");
		SafeTensors.write(f, conv);
		CheckpointImport.Imported imp = CheckpointImport.load(f, null);
		Map<String, HostTensor> io = Fixtures.read("convnext", "teacher_io.safetensors");
		ViTAndConvNeXtParityTest.assertParity(io.get("logits_eval").data(), ViTAndConvNeXtParityTest.logits(imp.spec(), imp.weights(), io.get("input")),
				"convnext with conv_mlp weights");
	}
}
