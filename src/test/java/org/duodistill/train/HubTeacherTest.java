package org.duodistill.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.duodistill.data.Dataset;
import org.duodistill.data.ImageReaders;
import org.duodistill.hub.HubException;
import org.duodistill.hub.HubSettings;
import org.duodistill.hub.LoopbackHub;
import org.duodistill.model.Architectures;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;
import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.SafeTensors;
import org.duodistill.model.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A timm-style repo (config.json + model.safetensors, an RGB teacher) served from a loopback Hub
 * becomes the teacher of grey sample images: architecture and normalisation from its config, the
 * stem summed or the images replicated, the cache reused, provenance recorded.
 */
class HubTeacherTest {
	static final String REPO = "test-org/tiny-resnet";
	static final String ARCH = "resnet10-w8";
	static final float[] MEAN = {0.2f, 0.3f, 0.4f};
	static final float[] STD = {0.5f, 0.6f, 0.7f};

	@TempDir
	static Path shared;
	static LoopbackHub hub;
	static Dataset data;
	static LinkedHashMap<String, HostTensor> rgb;
	static byte[] weightsFile;
	static String commit;

	@BeforeAll
	static void serve() throws Exception {
		Engines.configure(2);
		data = TrainingJob.loadDataset(Path.of("sample-images"), 32, ImageReaders.standard(), TrainingOptions.defaults(), TrainingListener.NONE);
		ModelSpec spec = Architectures.parse(ARCH, 3, 7);
		rgb = WeightInit.random(spec, 11);
		Path f = shared.resolve("model.safetensors");
		SafeTensors.write(f, rgb);
		weightsFile = Files.readAllBytes(f);
		hub = new LoopbackHub();
		hub.addFile(REPO, "main", "config.json", config(ARCH, MEAN, STD).getBytes(), false);
		commit = hub.addFile(REPO, "main", "model.safetensors", weightsFile, true);
		hub.addFile("test-org/efficientnet", "main", "config.json", config("efficientnet_b0", MEAN, STD).getBytes(), false);
		hub.addFile("test-org/efficientnet", "main", "model.safetensors", weightsFile, true);
	}

	@AfterAll
	static void stop() {
		hub.close();
	}

	static String config(String arch, float[] mean, float[] std) {
		return "{\"architecture\": \"" + arch + "\", \"num_classes\": 7, \"num_features\": 64, \"pretrained_cfg\": {\"tag\": \"test\","
				+ " \"input_size\": [3, 32, 32], \"mean\": " + java.util.Arrays.toString(mean) + ", \"std\": " + java.util.Arrays.toString(std)
				+ ", \"first_conv\": \"conv1\", \"classifier\": \"fc\"}}";
	}

	private HubSettings settings(Path cache, boolean offline) {
		return new HubSettings(hub.endpoint(), null, cache, offline);
	}

	private static Teacher prepare(TrainingOptions opt, HubSettings s, List<String> messages) throws Exception {
		TrainingListener l = new TrainingListener() {
			@Override
			public void message(String text) {
				messages.add(text);
			}
		};
		try (Pipeline p = new Pipeline(data, opt, Device.cpu(), l).withHubSettings(s)) {
			return p.prepareTeacher("hf-hub:" + REPO, null, 32);
		}
	}

	@Test
	void anRgbHubTeacherMeetsGreyImagesWithItsStemSummedAndItsOwnStatisticsAveraged() throws Exception {
		Path cache = shared.resolve("cache-sum");
		List<String> messages = new ArrayList<>();
		Teacher t = prepare(TrainingOptions.defaults(), settings(cache, false), messages);
		assertEquals(ARCH, t.spec().name(), "the architecture comes from config.json");
		assertEquals(1, t.spec().inChannels());
		HostTensor stem = t.weights().get("conv1.weight");
		HostTensor orig = rgb.get("conv1.weight");
		int k = (int) (orig.dim(2) * orig.dim(3));
		for (int o = 0; o < orig.dim(0); o++) {
			for (int j = 0; j < k; j++) {
				float sum = 0;
				for (int c = 0; c < 3; c++) sum += orig.data()[(o * 3 + c) * k + j];
				assertEquals(sum, stem.data()[o * k + j], 1e-6);
			}
		}
		assertEquals(0.3f, t.preprocessing().mean()[0], 1e-6);
		assertEquals(0.6f, t.preprocessing().std()[0], 1e-6);
		assertFalse(t.trainedOnClasses(), "a 7-class head does not know the 3 orientation classes");
		JsonObject origin = t.origin();
		assertEquals("hf-hub", origin.get("kind").getAsString());
		assertEquals(REPO, origin.get("repo").getAsString());
		assertEquals(commit, origin.get("commit").getAsString());
		assertEquals(LoopbackHub.sha256Hex(weightsFile), origin.get("sha256").getAsString());
		assertEquals("sum", origin.get("channels").getAsString());
		assertEquals("sha256:" + LoopbackHub.sha256Hex(weightsFile), t.fingerprint());
		Path link = cache.resolve("models--test-org--tiny-resnet/snapshots/" + commit + "/model.safetensors");
		assertTrue(Files.isSymbolicLink(link), "huggingface_hub's layout: " + link);
		assertTrue(messages.stream().anyMatch(m -> m.contains("summed for grey images")), messages.toString());
	}

	@Test
	void replicateKeepsTheRgbStemAndTheRepoStatisticsPerChannel() throws Exception {
		Teacher t = prepare(TrainingOptions.defaults().withTeacherChannels(TrainingOptions.TeacherChannels.REPLICATE),
				settings(shared.resolve("cache-rep"), false), new ArrayList<>());
		assertEquals(3, t.spec().inChannels());
		assertArrayEquals(rgb.get("conv1.weight").data(), t.weights().get("conv1.weight").data());
		assertArrayEquals(MEAN, t.preprocessing().mean());
		assertArrayEquals(STD, t.preprocessing().std());
		assertEquals("replicate", t.origin().get("channels").getAsString());
	}

	/** Summing keeps what the teacher computes: on a grey image it equals the RGB teacher fed that image three times. */
	@Test
	void theSummedTeacherComputesWhatTheRgbTeacherComputesOnReplicatedGrey() throws Exception {
		ModelSpec rgbSpec = Architectures.parse(ARCH, 3, 7);
		Teacher t = prepare(TrainingOptions.defaults(), settings(shared.resolve("cache-fn"), false), new ArrayList<>());
		Engines.noGradientsOnThisThread();
		try (NDManager m = Engines.engine().newBaseManager();
				DeviceWeights grey = DeviceWeights.upload(t.spec().withImageSize(32), t.weights(), m, Device.cpu());
				DeviceWeights colour = DeviceWeights.upload(rgbSpec, rgb, m, Device.cpu())) {
			NDArray x = m.randomNormal(new Shape(2, 1, 32, 32));
			float[] a = t.spec().network().forward(grey, x, false).toFloatArray();
			float[] b = rgbSpec.network().forward(colour, x.repeat(1, 3), false).toFloatArray();
			for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-3 * Math.max(1, Math.abs(b[i])), "logit " + i);
		}
	}

	@Test
	void aCachedTeacherAsksNothingAndOfflineItComesFromTheCache() throws Exception {
		Path cache = shared.resolve("cache-again");
		Teacher first = prepare(TrainingOptions.defaults(), settings(cache, false), new ArrayList<>());
		hub.clearRequests();
		Teacher again = prepare(TrainingOptions.defaults(), settings(cache, false), new ArrayList<>());
		assertEquals(0, hub.requestCount(), hub.requests().toString());
		Teacher offline = prepare(TrainingOptions.defaults(), new HubSettings("http://127.0.0.1:9", null, cache, true), new ArrayList<>());
		assertEquals(0, hub.requestCount());
		assertEquals(first.fingerprint(), again.fingerprint());
		assertEquals(first.fingerprint(), offline.fingerprint());
		assertArrayEquals(first.weights().get("conv1.weight").data(), offline.weights().get("conv1.weight").data());
	}

	@Test
	void anArchitectureDuoDistillDoesNotBuildIsRefusedBeforeItsWeightsAreDownloaded() throws Exception {
		hub.clearRequests();
		TrainingListener quiet = TrainingListener.NONE;
		IllegalArgumentException e;
		try (Pipeline p = new Pipeline(data, TrainingOptions.defaults(), Device.cpu(), quiet).withHubSettings(settings(shared.resolve("c-eff"), false))) {
			e = assertThrows(IllegalArgumentException.class, () -> p.prepareTeacher("hf-hub:test-org/efficientnet", null, 32));
		}
		assertTrue(e.getMessage().contains("hf-hub:test-org/efficientnet") && e.getMessage().contains("efficientnet_b0"), e.getMessage());
		assertTrue(hub.requests().stream().noneMatch(r -> r.path().contains("model.safetensors") || r.path().contains("/lfs")),
				hub.requests().toString());
	}

	@Test
	void anUnknownRepoIsOneLineNamingIt() throws Exception {
		HubException e;
		try (Pipeline p = new Pipeline(data, TrainingOptions.defaults(), Device.cpu(), TrainingListener.NONE)
				.withHubSettings(settings(shared.resolve("c-404"), false))) {
			e = assertThrows(HubException.class, () -> p.prepareTeacher("hf-hub:test-org/no-such-model", null, 32));
		}
		assertTrue(e.getMessage().contains("test-org/no-such-model"), e.getMessage());
		assertFalse(e.getMessage().contains("\n"));
	}

	/** Students take their weights from the Hub teacher, and model.json says which repo, commit and file. */
	@Test
	void aStudentSelectedFromTheHubTeacherRecordsItsRepoCommitAndChecksum() throws Exception {
		TrainingOptions opt = TrainingOptions.defaults().withEpochs(1).withBatch(16).withMethod(Method.SINGLE_WS);
		try (Pipeline p = new Pipeline(data, opt, Device.cpu(), TrainingListener.NONE).withHubSettings(settings(shared.resolve("c-student"), false))) {
			Teacher t = p.prepareTeacher("hf-hub:" + REPO, null, 32);
			TrainResult r = p.trainStudent(Method.SINGLE_WS, t, "resnet10-w4");
			JsonObject teacher = r.model().provenance().getAsJsonObject("teacher");
			assertEquals("hf-hub:" + REPO, teacher.get("source").getAsString());
			assertEquals(commit, teacher.get("commit").getAsString());
			assertEquals(LoopbackHub.sha256Hex(weightsFile), teacher.get("sha256").getAsString());
			assertEquals(ARCH, teacher.getAsJsonObject("config").get("architecture").getAsString());
			assertEquals(1, r.model().spec().inChannels(), "the student of a summed teacher takes grey images");
			assertEquals(0.3f, r.model().preprocessing().mean()[0], 1e-6, "and the teacher's normalisation");
		}
	}
}
