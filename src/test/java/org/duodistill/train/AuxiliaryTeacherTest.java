package org.duodistill.train;

import org.duodistill.infer.Evaluation;
import org.duodistill.infer.Metrics;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.duodistill.data.Augmentation;
import org.duodistill.data.Dataset;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.Split;
import org.duodistill.model.Architectures;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;
import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.WeightInit;
import org.duodistill.select.ElementSelector;
import org.duodistill.select.WeightSelection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The auxiliary teacher B must teach: after a short SKD stage on real images (tiny models, few
 * steps, as in the demo's small-data regime), B validates well above chance and close to A, and
 * the distribution it hands A is not the same for every image. The first version failed all of
 * this: B stayed at chance (a fixed m = 0.996 left it half its unaligned start, and averaged
 * BatchNorm statistics fitted neither network).
 */
class AuxiliaryTeacherTest {
	static Dataset data;

	@BeforeAll
	static void load() throws Exception {
		Engines.configure(2);
		data = TrainingJob.loadDataset(Path.of("sample-images"), 32, ImageReaders.standard(), TrainingOptions.defaults(), TrainingListener.NONE);
	}

	@Test
	void bValidatesCloseToAAndItsTargetsDependOnTheImage() {
		EmaStepTest.DualStart start = EmaStepTest.DualStart.of();
		ModelSpec studentSpec = start.spec();
		LinkedHashMap<String, HostTensor> a0 = start.a0();
		LinkedHashMap<String, HostTensor> b0 = start.b0();
		TrainingOptions opt = TrainingOptions.defaults().withBatch(16);
		int epochs = 5; // 210 images, batch 16: 65 SKD steps
		try (NDManager root = Engines.engine().newBaseManager();
				DeviceWeights a = DeviceWeights.upload(studentSpec, a0, root, Device.cpu());
				DeviceWeights b = DeviceWeights.upload(studentSpec, b0, root, Device.cpu())) {
			Preprocessing prep = new Preprocessing(32, 1, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH, new float[] {0.3f},
					new float[] {0.3f});
			TrainingData td = new TrainingData(data.split(Split.TRAIN), data.split(Split.VAL), 3, prep, Augmentation.defaults(false),
					Device.cpu(), root, TrainingListener.NONE);
			try (ModelTrainer t = new ModelTrainer("student", a, b, null, td, opt)) {
				t.runStage("skd", epochs, 1e-3, 1, true);
				EpochRecord last = t.history().get(epochs - 1);
				// How far A itself gets in 65 steps depends on the machine's kernels (0.78 here on an AMD
				// EPYC, 0.58 once on CI's machine); this test is about B: above chance and close to A.
				// 0.5 is 2.4 standard deviations above chance for 45 validation images.
				String seen = " on " + org.duodistill.model.Engines.versions().get("cpu").getAsString() + ": " + t.history();
				assertTrue(last.valAccB() > 0.5, "B well above chance (1/3)" + seen);
				assertTrue(last.valAccB() > last.valAccA() - 0.1, "B close to A" + seen);
				float[][] p = t.evaluate(b, data.split(Split.VAL)).probabilities();
				double spread = 0;
				java.util.Set<Integer> predicted = new java.util.HashSet<>();
				for (float[] row : p) {
					predicted.add(Metrics.argmax(row));
					for (int c = 0; c < row.length; c++) spread = Math.max(spread, Math.abs(row[c] - p[0][c]));
				}
				assertTrue(predicted.size() == 3, "B predicts every class somewhere: " + predicted);
				assertTrue(spread > 0.3, "B's distribution depends on the image: max change " + spread);
			}
		}
	}

	/** Weight-selected students start with a head that fits their features, so B teaches from the first step. */
	@Test
	void aProbedHeadMakesTheSelectedModelPredictBeforeAnyTraining() {
		ModelSpec teacherSpec = Architectures.parse("resnet10-w16", 1, 3);
		ModelSpec studentSpec = Architectures.parse("resnet10-w8", 1, 3);
		LinkedHashMap<String, HostTensor> b0 = WeightSelection.select(teacherSpec, WeightInit.random(teacherSpec, 1), studentSpec,
				ElementSelector.uniform(1), 3);
		Preprocessing prep = new Preprocessing(32, 1, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH, new float[] {0.3f},
				new float[] {0.3f});
		try (NDManager root = Engines.engine().newBaseManager(); DeviceWeights b = DeviceWeights.upload(studentSpec, b0, root, Device.cpu())) {
			List<org.duodistill.data.Sample> val = data.split(Split.VAL);
			double before = Evaluation.of(b, val, prep, 32, 3).metrics().accuracy();
			HeadProbe.fit(b, data.split(Split.TRAIN), prep, 3, 32, 1);
			double after = Evaluation.of(b, val, prep, 32, 3).metrics().accuracy();
			// Random convolutional features of MRI slices already separate orientation well once a head is fitted.
			assertTrue(after > 0.6 && after > before + 0.15, "before " + before + ", after " + after);
		}
	}
}
