package org.duodistill.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.duodistill.data.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFolderTest {
	@TempDir
	Path dir;

	static SavedModel model(long seed) {
		ModelSpec spec = Architectures.parse("resnet10-w4", 1, 3);
		Preprocessing prep = new Preprocessing(32, 1, 0.5, 99.5, new float[] {0.4f}, new float[] {0.2f});
		JsonObject prov = new JsonObject();
		prov.addProperty("method", "dual-skd");
		return new SavedModel(spec, WeightInit.random(spec, seed), List.of("axial", "coronal", "sagittal"), prep, prov);
	}

	@Test
	void roundTripKeepsEverything() throws Exception {
		SavedModel m = model(1);
		Path out = dir.resolve("m");
		ModelFolder.write(out, m, Map.of("history.csv", "a,b\n"), false);
		SavedModel back = ModelFolder.read(out);
		assertEquals(m.spec(), back.spec());
		assertEquals(m.classes(), back.classes());
		assertEquals(m.preprocessing().size(), back.preprocessing().size());
		assertArrayEquals(m.preprocessing().mean(), back.preprocessing().mean());
		assertEquals("dual-skd", back.provenance().get("method").getAsString());
		for (String k : m.weights().keySet()) assertArrayEquals(m.weights().get(k).data(), back.weights().get(k).data(), k);
		assertEquals("a,b\n", Files.readString(out.resolve("history.csv")));
		// PyTorch's strict load_state_dict wants the BatchNorm counters too.
		assertTrue(SafeTensors.read(out.resolve(ModelFolder.WEIGHTS)).containsKey("layer1.0.bn1.num_batches_tracked"));
		assertNoTemporaryFolders();
	}

	@Test
	void anExistingFolderIsNeverReplacedUnlessAsked() throws Exception {
		Path out = dir.resolve("m");
		Files.createDirectories(out);
		Files.writeString(out.resolve("precious.txt"), "mine");
		assertThrows(FileAlreadyExistsException.class, () -> ModelFolder.write(out, model(1), null, false));
		assertEquals("mine", Files.readString(out.resolve("precious.txt")));
		ModelFolder.write(out, model(2), null, true);
		assertTrue(Files.exists(out.resolve(ModelFolder.MODEL_JSON)));
		assertTrue(!Files.exists(out.resolve("precious.txt")));
		assertNoTemporaryFolders();
	}

	@Test
	void aNewerFormatIsAClearError() throws Exception {
		Path out = dir.resolve("m");
		ModelFolder.write(out, model(1), null, false);
		Path json = out.resolve(ModelFolder.MODEL_JSON);
		JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
		o.addProperty("format_version", 99);
		Files.writeString(json, o.toString());
		TensorFileException e = assertThrows(TensorFileException.class, () -> ModelFolder.read(out));
		assertTrue(e.getMessage().contains("format 99") && e.getMessage().contains("newer"), e.getMessage());
	}

	@Test
	void weightsThatDoNotMatchTheArchitectureAreAnError() throws Exception {
		Path out = dir.resolve("m");
		ModelFolder.write(out, model(1), null, false);
		LinkedHashMap<String, HostTensor> w = new LinkedHashMap<>(SafeTensors.read(out.resolve(ModelFolder.WEIGHTS)));
		w.remove("layer3.0.conv2.weight");
		w.put("fc.weight", HostTensor.zeros(4, 32));
		SafeTensors.write(out.resolve(ModelFolder.WEIGHTS), w);
		TensorFileException e = assertThrows(TensorFileException.class, () -> ModelFolder.read(out));
		assertTrue(e.getMessage().contains("missing [layer3.0.conv2.weight]"), e.getMessage());
		assertTrue(e.getMessage().contains("fc.weight [4, 32]"), e.getMessage());
	}

	@Test
	void aFolderWithoutModelJsonIsNotAModel() {
		TensorFileException e = assertThrows(TensorFileException.class, () -> ModelFolder.read(dir));
		assertTrue(e.getMessage().contains("model.json"), e.getMessage());
	}

	private void assertNoTemporaryFolders() throws Exception {
		try (Stream<Path> s = Files.list(dir)) {
			List<String> hidden = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
			assertEquals(List.of(), hidden);
		}
	}
}
