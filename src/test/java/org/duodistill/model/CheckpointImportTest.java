package org.duodistill.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointImportTest {
	@TempDir
	Path dir;

	private Path variant(String name, java.util.function.Consumer<LinkedHashMap<String, HostTensor>> change) throws Exception {
		LinkedHashMap<String, HostTensor> t = new LinkedHashMap<>(Fixtures.read("teacher_basic.safetensors"));
		change.accept(t);
		Path f = dir.resolve(name);
		SafeTensors.write(f, t);
		return f;
	}

	@Test
	void missingUnexpectedAndMisShapedTensorsAreAllListed() throws Exception {
		Path f = variant("broken.safetensors", t -> {
			t.remove("layer2.1.bn1.running_var");
			t.put("layer2.1.conv2.weight", HostTensor.zeros(32, 32, 5, 5));
			t.put("extra.weight", HostTensor.zeros(3));
		});
		TensorFileException e = assertThrows(TensorFileException.class, () -> CheckpointImport.load(f, null));
		String msg = e.getMessage();
		assertTrue(msg.contains("broken.safetensors"), msg);
		assertTrue(msg.contains("missing [layer2.1.bn1.running_var]"), msg);
		assertTrue(msg.contains("unexpected [extra.weight]"), msg);
		assertTrue(msg.contains("layer2.1.conv2.weight [32, 32, 5, 5] (expected [32, 32, 3, 3])"), msg);
	}

	@Test
	void anImageNetHeadIsAcceptedBecauseTheHeadIsNeverSelected() throws Exception {
		Path f = variant("imagenet-head.safetensors", t -> {
			t.put("fc.weight", HostTensor.zeros(1000, 128));
			t.put("fc.bias", HostTensor.zeros(1000));
			t.put("bn1.num_batches_tracked", HostTensor.zeros());
		});
		CheckpointImport.Imported imp = CheckpointImport.load(f, null);
		assertEquals(1000, imp.spec().numClasses());
		assertTrue(!imp.weights().containsKey("bn1.num_batches_tracked"));
	}

	@Test
	void aNamedArchitectureThatDoesNotFitIsAnError() throws Exception {
		TensorFileException e = assertThrows(TensorFileException.class,
				() -> CheckpointImport.load(Fixtures.resnet("teacher_basic.safetensors"), "resnet34-w16"));
		assertTrue(e.getMessage().contains("missing [layer1.2.conv1.weight"), e.getMessage());
	}

	@Test
	void unreadableFilesGiveClearErrors() throws Exception {
		Path garbage = dir.resolve("garbage.safetensors");
		Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
		assertTrue(assertThrows(TensorFileException.class, () -> CheckpointImport.load(garbage, null)).getMessage()
				.contains("not a safetensors file"));
		Path pth = dir.resolve("model.pth");
		Files.write(pth, new byte[] {1});
		assertTrue(assertThrows(TensorFileException.class, () -> CheckpointImport.load(pth, null)).getMessage()
				.contains("unsupported checkpoint format"));
		Path notNpz = dir.resolve("w.npz");
		Files.writeString(notNpz, "hello");
		assertTrue(assertThrows(TensorFileException.class, () -> CheckpointImport.load(notNpz, null)).getMessage()
				.contains("w.npz"));
		assertTrue(assertThrows(TensorFileException.class, () -> CheckpointImport.load(dir.resolve("nope.safetensors"), null))
				.getMessage().contains("not found"));
	}

	@Test
	void safetensorsRoundTripKeepsOrderValuesAndIntegerScalars() throws Exception {
		Map<String, HostTensor> t = new LinkedHashMap<>();
		t.put("b", new HostTensor(new long[] {2, 2}, new float[] {1, -2, 3.5f, 1e-7f}));
		t.put("a", new HostTensor(new long[] {1}, new float[] {42}));
		Path f = dir.resolve("rt.safetensors");
		try (var out = Files.newOutputStream(f)) {
			SafeTensors.write(out, t, Map.of("a.num_batches_tracked", 7L), Map.of("k", "v"));
		}
		SafeTensors.Contents c = SafeTensors.readWithMetadata(f);
		assertEquals(java.util.List.of("b", "a", "a.num_batches_tracked"), new java.util.ArrayList<>(c.tensors().keySet()));
		org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1, -2, 3.5f, 1e-7f}, c.tensors().get("b").data());
		assertEquals(7f, c.tensors().get("a.num_batches_tracked").data()[0]);
		assertEquals(0, c.tensors().get("a.num_batches_tracked").rank());
		assertEquals("v", c.metadata().get("k"));
		assertEquals(0, (Files.size(f) - 8 - (Files.size(f) - 8 - 40)) % 8, "header padded to 8 bytes");
	}
}
