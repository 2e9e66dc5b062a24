package org.duodistill.train;

import ai.djl.Device;
import org.duodistill.data.Dataset;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.Split;
import org.duodistill.model.Engines;
import org.duodistill.model.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole method on the committed sample images, with tiny models and few epochs. */
class PipelineTest {
	static Dataset data;
	static final TrainingOptions OPT = TrainingOptions.defaults().withEpochs(4).withBatch(16);

	@BeforeAll
	static void load() throws Exception {
		Engines.configure(2);
		data = TrainingJob.loadDataset(Path.of("sample-images"), 32, ImageReaders.standard(), OPT, TrainingListener.NONE);
	}

	@Test
	void dualSkdRunsBothStagesTracksBAndDoesNotLeakTensors() throws Exception {
		List<String> messages = new ArrayList<>();
		TrainingListener l = new TrainingListener() {
			@Override
			public void message(String text) {
				messages.add(text);
			}
		};
		try (Pipeline p = new Pipeline(data, OPT, Device.cpu(), l)) {
			Teacher t = p.prepareTeacher("auto", "resnet10-w8", 32);
			assertTrue(t.trainedOnClasses());
			assertEquals(4, t.history().size());
			TrainResult r = p.trainStudent(Method.DUAL_SKD, t, "resnet10-w4");
			List<EpochRecord> h = r.history();
			assertEquals(List.of("skd", "skd", "skd", "finetune"), h.stream().map(EpochRecord::stage).toList());
			for (EpochRecord e : h.subList(0, 3)) {
				assertFalse(Double.isNaN(e.kdLoss()), "SKD epochs carry a KD term");
				assertFalse(Double.isNaN(e.valF1B()), "B is validated every epoch");
			}
			assertTrue(Double.isNaN(h.get(3).kdLoss()), "fine-tuning is CE only");
			assertTrue(h.get(3).lr() <= OPT.learningRate() * OPT.finetuneLrFactor() + 1e-12, "fine-tune lr is x0.1");
			// Native tensors: the same number alive after every epoch.
			assertEquals(1, h.stream().mapToInt(EpochRecord::liveTensors).distinct().count(), h.toString());
			assertNotNull(r.testMetrics());
			assertEquals(data.split(Split.TEST).size(), r.testMetrics().n());
			assertEquals("dual-skd", r.model().provenance().get("method").getAsString());
			org.duodistill.infer.Calibration cal = org.duodistill.infer.Calibration.of(r.model().provenance());
			assertEquals("temperature", cal.method(), "calibrated by default");
			assertEquals(data.split(Split.VAL).size(), cal.images());
			assertTrue(cal.temperature() > 0.05 && cal.temperature() < 20, "fitted, not at a bound: " + cal);
			assertEquals(data.classes(), r.model().classes());
			assertTrue(r.bestEpoch() >= 1 && r.bestEpoch() <= 4);
			assertFalse(r.cancelled());
		}
	}

	@Test
	void kdWithAnImportedTeacherFineTunesTheTeacherFirst() throws Exception {
		List<String> messages = new ArrayList<>();
		TrainingListener l = new TrainingListener() {
			@Override
			public void message(String text) {
				messages.add(text);
			}
		};
		TrainingOptions opt = OPT.withEpochs(2);
		try (Pipeline p = new Pipeline(data, opt, Device.cpu(), l)) {
			Teacher t = p.prepareTeacher(Fixtures.resnet("teacher_basic.safetensors").toString(), null, 32);
			assertFalse(t.trainedOnClasses(), "an imported 5-class teacher does not know these 3 classes");
			TrainResult r = p.trainStudent(Method.KD, t, "resnet10-w8");
			assertTrue(messages.stream().anyMatch(m -> m.contains("fine-tuning the teacher")), messages.toString());
			assertEquals(List.of("kd", "kd"), r.history().stream().map(EpochRecord::stage).toList());
			assertEquals(3, r.model().spec().numClasses());
		}
	}

	@Test
	void cancellingMidEpochKeepsTheBestCheckpointAndSaysSo() throws Exception {
		List<String> messages = new ArrayList<>();
		int[] batches = {0};
		TrainingListener l = new TrainingListener() {
			@Override
			public void batch(String model, String stage, int epoch, int batch, int n) {
				batches[0]++;
			}

			@Override
			public boolean isCancelled() {
				return batches[0] >= 16; // after two batches of epoch 2 (210 images, batch 16: 14 batches per epoch)
			}

			@Override
			public void message(String text) {
				messages.add(text);
			}
		};
		try (Pipeline p = new Pipeline(data, OPT, Device.cpu(), l)) {
			Teacher t = new Teacher(org.duodistill.model.Architectures.parse("resnet10-w8", 1, 3),
					org.duodistill.model.WeightInit.random(org.duodistill.model.Architectures.parse("resnet10-w8", 1, 3), 1), "test", "x",
					true, p.datasetPreprocessing(32, 1), List.of(), 0, null);
			TrainResult r = p.trainStudent(Method.SINGLE_WS, t, "resnet10-w4");
			assertTrue(r.cancelled());
			assertEquals(1, r.history().size(), "only the finished epoch is recorded");
			assertEquals(1, r.bestEpoch());
			assertTrue(messages.stream().anyMatch(m -> m.contains("cancelled during epoch 2") && m.contains("best checkpoint")), messages.toString());
			assertTrue(r.model().provenance().get("cancelled").getAsBoolean());
		}
	}

	/** METHOD.md's deploy option: B is deployed only when asked and only when it validated better. */
	@Test
	void deployBestOfABChoosesTheBetterValidatedModel() throws Exception {
		try (Pipeline p = new Pipeline(data, OPT, Device.cpu(), TrainingListener.NONE)) {
			org.duodistill.model.ModelSpec spec = org.duodistill.model.Architectures.parse("resnet10-w4", 1, 3);
			Teacher t = new Teacher(org.duodistill.model.Architectures.parse("resnet10-w8", 1, 3),
					org.duodistill.model.WeightInit.random(org.duodistill.model.Architectures.parse("resnet10-w8", 1, 3), 1), "test", "x",
					true, p.datasetPreprocessing(32, 1), List.of(), 0, null);
			TrainResult good = p.trainStudent(Method.SINGLE_WS, t, "resnet10-w4");
			assertTrue(good.history().get(good.history().size() - 1).valF1A() > 0.6, good.history().toString());
			for (boolean option : new boolean[] {true, false}) {
				TrainingOptions opt = OPT.withEmaMomentum(1.0).withDeployBestOfAB(option).withLearningRate(1e-7);
				TrainingData td = new TrainingData(data.split(Split.TRAIN), data.split(Split.VAL), 3, p.datasetPreprocessing(32, 1),
						org.duodistill.data.Augmentation.none(), Device.cpu(), org.duodistill.model.Engines.engine().newBaseManager(),
						TrainingListener.NONE);
				try (var a = org.duodistill.model.DeviceWeights.upload(spec, org.duodistill.model.WeightInit.random(spec, 99), td.manager(), Device.cpu());
						var b = org.duodistill.model.DeviceWeights.upload(spec, good.model().weights(), td.manager(), Device.cpu());
						ModelTrainer trainer = new ModelTrainer("student", a, b, null, td, opt)) {
					trainer.runStage("skd", 1, 1e-7, 0, true);
					var deployed = trainer.deployable();
					assertEquals(option ? "b" : "a", deployed.getKey());
					if (option) {
						assertArrayEquals(good.model().weights().get("layer1.0.conv1.weight").data(), deployed.getValue().get("layer1.0.conv1.weight").data());
					}
				} finally {
					td.manager().close();
				}
			}
		}
	}

	@Test
	void mutualDualSkdRunsAndIsRecorded() throws Exception {
		try (Pipeline p = new Pipeline(data, OPT.withEpochs(2).withMutual(true), Device.cpu(), TrainingListener.NONE)) {
			Teacher t = p.prepareTeacher("auto", "resnet10-w8", 32);
			TrainResult r = p.trainStudent(Method.DUAL_SKD, t, "resnet10-w4");
			assertEquals(List.of("skd", "finetune"), r.history().stream().map(EpochRecord::stage).toList());
			assertTrue(r.model().provenance().getAsJsonObject("options").get("mutual").getAsBoolean());
		}
	}

	/**
	 * ViT and ConvNeXt pairs (tiny forms of vit_small -> vit_tiny and convnext_tiny -> convnext_femto:
	 * same rules, head width kept, first-N blocks) through every method, end to end: the deployed
	 * model is saved, read back and classifies as it did before saving.
	 */
	@Test
	void vitAndConvNeXtPairsTrainWithEveryMethod(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
		String[][] pairs = {{"vit-e64-d2-h2-p8-i32", "vit-e32-d1-h1-p8-i32"}, {"convnext-d1.1.2.1-w16", "convnext-d1.1.1.1-w8"}};
		TrainingOptions opt = OPT.withEpochs(2);
		for (String[] pair : pairs) {
			try (Pipeline p = new Pipeline(data, opt, Device.cpu(), TrainingListener.NONE)) {
				Teacher t = p.prepareTeacher("auto", pair[0], 32);
				assertEquals(pair[0], t.spec().name());
				for (Method m : Method.values()) {
					TrainResult r = p.trainStudent(m, t, pair[1]);
					String what = pair[0] + " -> " + pair[1] + " " + m.id();
					assertEquals(m == Method.TEACHER ? pair[0] : pair[1], r.model().spec().name(), what);
					assertTrue(r.testMetrics().accuracy() >= 0 && !Double.isNaN(r.testMetrics().macroF1()), what);
					assertFalse(r.history().isEmpty(), what);
					Path folder = dir.resolve(pair[1] + "-" + m.id());
					org.duodistill.model.ModelFolder.write(folder, r.model(), null, false);
					org.duodistill.model.SavedModel back = org.duodistill.model.ModelFolder.read(folder);
					assertEquals(r.model().spec(), back.spec(), what);
					try (var before = new org.duodistill.infer.Classifier(r.model(), Device.cpu(), ImageReaders.standard());
							var after = new org.duodistill.infer.Classifier(back, Device.cpu(), ImageReaders.standard())) {
						var plane = data.split(Split.TEST).get(0);
						Path file = plane.file();
						assertArrayEquals(before.classify(file).get(0).probabilities(), after.classify(file).get(0).probabilities(), 1e-6f, what);
					}
				}
			}
		}
	}
}
