package org.duodistill.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.duodistill.hub.LoopbackHub;
import org.duodistill.model.Architectures;
import org.duodistill.model.Engines;
import org.duodistill.model.HostTensor;
import org.duodistill.model.SafeTensors;
import org.duodistill.model.WeightInit;
import org.duodistill.train.Pipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --teacher hf-hub:...} and {@code teachers} through {@link Main#run}, against a loopback
 * Hub set by the HF_* system properties (what a Fiji user passes as -D...; the environment
 * variables read the same way). One tiny RGB teacher repo, sample images at 32 px, one epoch.
 */
class HubTeacherCommandLineTest {
	static final String REPO = "test-org/tiny-resnet";
	static final List<String> PROPERTIES = List.of("HF_ENDPOINT", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "HF_TOKEN");
	static final Object[] TINY = {"--data", "sample-images", "--size", "32", "--epochs", "1", "--batch", "16", "--threads", "2",
			"--method", "single-ws", "--student-arch", "resnet10-w4"};

	@TempDir
	static Path shared;
	static LoopbackHub hub;
	static byte[] weights;

	@TempDir
	Path work;

	@BeforeAll
	static void serve() throws Exception {
		Engines.configure(2);
		LinkedHashMap<String, HostTensor> w = WeightInit.random(Architectures.parse("resnet10-w8", 3, 7), 3);
		Path f = shared.resolve("model.safetensors");
		SafeTensors.write(f, w);
		weights = Files.readAllBytes(f);
		hub = new LoopbackHub();
		hub.addFile(REPO, "main", "config.json", ("{\"architecture\": \"resnet10-w8\", \"num_classes\": 7, \"pretrained_cfg\": {\"input_size\": [3, 32, 32],"
				+ " \"mean\": [0.5, 0.5, 0.5], \"std\": [0.25, 0.25, 0.25], \"first_conv\": \"conv1\", \"classifier\": \"fc\"}}").getBytes(), false);
		hub.addFile(REPO, "main", "model.safetensors", weights, true);
		hub.addFile("test-org/pickled", "main", "config.json", "{\"architecture\": \"resnet18\"}".getBytes(), false);
		hub.addFile("test-org/pickled", "main", "pytorch_model.bin", new byte[] {1, 2, 3}, true);
	}

	@AfterAll
	static void stop() {
		hub.close();
	}

	@AfterEach
	void clear() {
		PROPERTIES.forEach(System::clearProperty);
	}

	private void useHub(Path cache) {
		System.setProperty("HF_ENDPOINT", hub.endpoint());
		System.setProperty("HF_HUB_CACHE", cache.toString());
	}

	private static CommandLineTest.Run train(Path out, String teacher, Object... more) {
		List<Object> a = new java.util.ArrayList<>(List.of("train", "--output", out, "--teacher", teacher));
		a.addAll(List.of(TINY));
		a.addAll(List.of(more));
		return CommandLineTest.cli(a.toArray());
	}

	@Test
	void trainsFromAHubTeacherThenAgainOfflineFromTheCache() throws Exception {
		Path cache = work.resolve("hf");
		useHub(cache);
		CommandLineTest.Run r = train(work.resolve("m1"), "hf-hub:" + REPO);
		assertEquals(0, r.code(), r.toString());
		JsonObject teacher = JsonParser.parseString(Files.readString(work.resolve("m1/model.json"))).getAsJsonObject()
				.getAsJsonObject("teacher");
		assertEquals("hf-hub:" + REPO, teacher.get("source").getAsString());
		assertEquals(hub.commit(REPO, "main"), teacher.get("commit").getAsString());
		assertEquals(LoopbackHub.sha256Hex(weights), teacher.get("sha256").getAsString());
		assertEquals("sum", teacher.get("channels").getAsString());
		assertTrue(r.err().contains("downloading model.safetensors"), r.err());
		assertFalse(r.err().contains(Pipeline.AUTO_COSTS), "a pretrained teacher needs no warning");
		assertTrue(Files.isDirectory(cache.resolve("models--test-org--tiny-resnet/blobs")));

		hub.clearRequests();
		System.setProperty("HF_HUB_OFFLINE", "1");
		System.setProperty("HF_ENDPOINT", "http://127.0.0.1:9");
		CommandLineTest.Run again = train(work.resolve("m2"), "hf-hub:" + REPO);
		assertEquals(0, again.code(), again.toString());
		assertEquals(0, hub.requestCount());
		assertFalse(again.err().contains("downloading"), again.err());
	}

	@Test
	void eachHubFailureIsOneLineThatSaysWhatToDo() {
		useHub(work.resolve("hf"));
		CommandLineTest.Run missing = train(work.resolve("m"), "hf-hub:test-org/no-such-model");
		assertEquals(1, missing.code(), missing.toString());
		String line = missing.errLines().get(missing.errLines().size() - 1);
		assertTrue(line.startsWith("duodistill: error: ") && line.contains("test-org/no-such-model"), line);
		assertFalse(missing.err().contains("import:"), "the teacher fails before the data are read: " + missing.err());

		CommandLineTest.Run pickle = train(work.resolve("m"), "hf-hub:test-org/pickled");
		assertEquals(1, pickle.code(), pickle.toString());
		assertTrue(pickle.err().contains("pytorch_model.bin"), pickle.err());

		hub.requireToken("secret");
		try {
			CommandLineTest.Run gated = train(work.resolve("m"), "hf-hub:" + REPO);
			assertEquals(1, gated.code(), gated.toString());
			assertTrue(gated.err().contains("HF_TOKEN"), gated.err());
		} finally {
			hub.requireToken(null);
		}

		System.setProperty("HF_HUB_OFFLINE", "1");
		CommandLineTest.Run offline = train(work.resolve("m"), "hf-hub:" + REPO);
		assertEquals(1, offline.code(), offline.toString());
		assertTrue(offline.err().contains("HF_HUB_OFFLINE"), offline.err());
		assertFalse(Files.exists(work.resolve("m/model.json")), "nothing written");
	}

	@Test
	void malformedReferencesAndChannelModesAreUsageErrors() {
		assertEquals(2, train(work.resolve("m"), "hf-hub:only-a-name").code());
		assertEquals(2, train(work.resolve("m"), "hf-hub:" + REPO, "--teacher-channels", "average").code());
		assertEquals(2, train(work.resolve("m"), "hf-hub:" + REPO, "--calibrate", "platt").code());
	}

	@Test
	void anAutoTeacherSaysWhatItCostsAndNamesTheCatalogue() throws Exception {
		CommandLineTest.Run r = CommandLineTest.cli("train", "--output", work.resolve("auto"), "--teacher", "auto", "--teacher-arch", "resnet10-w8",
				"--data", "sample-images", "--size", "32", "--epochs", "1", "--batch", "16", "--threads", "2", "--method", "single-ws",
				"--student-arch", "resnet10-w4", "--calibrate", "none");
		assertEquals(0, r.code(), r.toString());
		assertTrue(r.err().contains(Pipeline.AUTO_COSTS), r.err());
		assertEquals("none", JsonParser.parseString(Files.readString(work.resolve("auto/model.json"))).getAsJsonObject()
				.getAsJsonObject("calibration").get("method").getAsString(), "--calibrate none is recorded");
		assertTrue(r.err().contains("duodistill teachers"));
	}

	@Test
	void theCatalogueListsTheReferencePairsAndSeesWhatIsCached() throws Exception {
		Path cache = work.resolve("hf");
		System.setProperty("HF_HUB_CACHE", cache.toString());
		// laid out as huggingface_hub lays it out after hf_hub_download of both files
		String commit = "0123456789abcdef0123456789abcdef01234567";
		Path repo = cache.resolve("models--timm--resnet18.a1_in1k");
		Files.createDirectories(repo.resolve("refs"));
		Files.writeString(repo.resolve("refs/main"), commit);
		Files.createDirectories(repo.resolve("blobs"));
		Files.createDirectories(repo.resolve("snapshots/" + commit));
		for (String[] f : new String[][] {{"config.json", "aaaa"}, {"model.safetensors", "bbbb"}}) {
			Files.writeString(repo.resolve("blobs/" + f[1]), f[0]);
			Files.createSymbolicLink(repo.resolve("snapshots/" + commit + "/" + f[0]), Path.of("../../blobs/" + f[1]));
		}
		CommandLineTest.Run r = CommandLineTest.cli("teachers");
		assertEquals(0, r.code(), r.toString());
		List<String> rows = r.out().lines().filter(l -> l.startsWith("hf-hub:")).toList();
		assertEquals(6, rows.size(), r.out());
		String resnet = rows.stream().filter(l -> l.startsWith("hf-hub:timm/resnet18.a1_in1k ")).findFirst().orElseThrow();
		assertTrue(resnet.contains("resnet10-w32") && resnet.contains(" yes "), resnet);
		String vit = rows.stream().filter(l -> l.startsWith("hf-hub:timm/vit_small_patch16_224.augreg_in21k ")).findFirst().orElseThrow();
		assertTrue(vit.contains("vit_tiny_patch16_224") && vit.contains(" no "), vit);
		assertTrue(rows.stream().anyMatch(l -> l.startsWith("hf-hub:timm/convnext_tiny.fb_in22k ") && l.contains("convnext_femto")));
		assertTrue(r.out().contains(cache.toString()), "names the cache it looked in");
	}
}
