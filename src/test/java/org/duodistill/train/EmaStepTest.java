package org.duodistill.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.duodistill.data.Augmentation;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.Sample;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** After one optimizer step, B has no gradient and equals m*B_before + (1-m)*A_after, BN statistics included. */
class EmaStepTest {
	@BeforeAll
	static void engine() {
		Engines.configure(2);
	}

	/** A random resnet10-w16 as the large model and its two halves, uniform(0) and uniform(1), for a resnet10-w8 student. */
	record DualStart(ModelSpec spec, LinkedHashMap<String, HostTensor> a0, LinkedHashMap<String, HostTensor> b0) {
		static DualStart of() {
			ModelSpec teacherSpec = Architectures.parse("resnet10-w16", 1, 3);
			ModelSpec studentSpec = Architectures.parse("resnet10-w8", 1, 3);
			LinkedHashMap<String, HostTensor> teacher = WeightInit.random(teacherSpec, 1);
			return new DualStart(studentSpec, WeightSelection.select(teacherSpec, teacher, studentSpec, ElementSelector.uniform(0), 2),
					WeightSelection.select(teacherSpec, teacher, studentSpec, ElementSelector.uniform(1), 3));
		}
	}

	static List<Sample> randomSamples(int n, int size, int classes, long seed) {
		Random r = new Random(seed);
		List<Sample> out = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			float[] x = new float[size * size];
			for (int j = 0; j < x.length; j++) x[j] = r.nextFloat();
			out.add(new Sample(Path.of("img" + i + ".png"), 1, i % classes, Split.TRAIN, x, 1));
		}
		return out;
	}

	@Test
	void oneStepOfDualSkdUpdatesBByEmaOnlyAndGivesItNoGradient() {
		oneStep(TrainingOptions.AuxiliaryNorm.EMA);
	}

	/**
	 * The default: B's learnable tensors follow the EMA, its statistics are not averaged but
	 * re-estimated for B's new weights before B is validated.
	 */
	@Test
	void withRecalibrationBsStatisticsAreReEstimatedForItsWeights() {
		oneStep(TrainingOptions.AuxiliaryNorm.RECALIBRATE);
	}

	private void oneStep(TrainingOptions.AuxiliaryNorm norm) {
		DualStart start = DualStart.of();
		ModelSpec studentSpec = start.spec();
		LinkedHashMap<String, HostTensor> a0 = start.a0();
		LinkedHashMap<String, HostTensor> b0 = start.b0();
		List<Sample> train = randomSamples(8, 32, 3, 4);
		double m = 0.9; // far from 1 so that an update that skipped a tensor would show
		TrainingOptions opt = TrainingOptions.defaults().withBatch(8).withEmaMomentum(m).withAuxiliaryNorm(norm);
		boolean averagedStats = norm == TrainingOptions.AuxiliaryNorm.EMA;
		Preprocessing prep = new Preprocessing(32, 1, 0.5, 99.5, new float[] {0.5f}, new float[] {0.25f});
		try (NDManager root = Engines.engine().newBaseManager();
				DeviceWeights a = DeviceWeights.upload(studentSpec, a0, root, Device.cpu());
				DeviceWeights b = DeviceWeights.upload(studentSpec, b0, root, Device.cpu())) {
			TrainingData data = new TrainingData(train, List.of(), 3, prep, Augmentation.none(), Device.cpu(), root, TrainingListener.NONE);
			try (ModelTrainer t = new ModelTrainer("student", a, b, null, data, opt)) {
				t.runStage("skd", 1, 1e-3, 0, true); // 8 samples, batch 8: exactly one step
				assertEquals(1, t.history().size());
			}
			LinkedHashMap<String, HostTensor> aAfter = a.download();
			LinkedHashMap<String, HostTensor> bAfter = b.download();
			LinkedHashMap<String, HostTensor> recalibrated;
			try (DeviceWeights again = DeviceWeights.upload(studentSpec, bAfter, root, Device.cpu())) {
				BatchNormCalibration.recalibrate(again, train, prep, 8, BatchNormCalibration.DEFAULT_IMAGES, opt.seed() + 1);
				recalibrated = again.download();
			}
			int changedStats = 0;
			for (String name : studentSpec.tensorShapes().keySet()) {
				assertFalse(b.get(name).hasGradient(), "B must not take gradients: " + name);
				if (studentSpec.isStatistic(name) && !averagedStats) {
					assertTrue(java.util.Arrays.equals(recalibrated.get(name).data(), bAfter.get(name).data()),
							name + " is B's re-estimated statistic");
					assertFalse(java.util.Arrays.equals(b0.get(name).data(), bAfter.get(name).data()), name + " changed");
					if (!java.util.Arrays.equals(a0.get(name).data(), aAfter.get(name).data())) changedStats++;
					continue;
				}
				float[] before = b0.get(name).data();
				float[] aa = aAfter.get(name).data();
				float[] bb = bAfter.get(name).data();
				for (int i = 0; i < bb.length; i++) {
					double expected = m * before[i] + (1 - m) * aa[i];
					if (Math.abs(expected - bb[i]) > 1e-5 + 1e-5 * Math.abs(expected)) {
						fail(name + "[" + i + "]: B = " + bb[i] + ", expected m*B+(1-m)*A = " + expected);
					}
				}
				if (studentSpec.isStatistic(name) && !java.util.Arrays.equals(a0.get(name).data(), aa)) changedStats++;
			}
			assertTrue(changedStats > 0, "A's BatchNorm statistics moved in the training step, so B's EMA of them is tested");
			assertFalse(java.util.Arrays.equals(a0.get("layer1.0.conv1.weight").data(), aAfter.get("layer1.0.conv1.weight").data()),
					"A was trained");
			assertTrue(a.get("layer1.0.conv1.weight").hasGradient(), "A takes gradients");
		}
	}

	/**
	 * Autograd mode is per thread in PyTorch: training on a thread other than the one that loaded
	 * the engine (as Fiji's command threads do) must work the same.
	 */
	@Test
	void theSameStepWorksOnAThreadThatDidNotLoadTheEngine() throws Exception {
		Engines.engine();
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
		try {
			pool.submit(() -> {
				oneStep(TrainingOptions.AuxiliaryNorm.EMA);
				oneStep(TrainingOptions.AuxiliaryNorm.RECALIBRATE);
				return null;
			}).get();
		} finally {
			pool.shutdownNow();
		}
	}

	/** mutual: both students learn, each EMA follows its own student, and no EMA model takes a gradient. */
	@Test
	void oneMutualStepTrainsBothStudentsAndMovesBothEmas() {
		DualStart start = DualStart.of();
		ModelSpec studentSpec = start.spec();
		LinkedHashMap<String, HostTensor> a0 = start.a0();
		LinkedHashMap<String, HostTensor> b0 = start.b0();
		double m = 0.8;
		TrainingOptions opt = TrainingOptions.defaults().withBatch(8).withEmaMomentum(m).withMutual(true)
				.withAuxiliaryNorm(TrainingOptions.AuxiliaryNorm.EMA);
		Preprocessing prep = new Preprocessing(32, 1, 0.5, 99.5, new float[] {0.5f}, new float[] {0.25f});
		try (NDManager root = Engines.engine().newBaseManager();
				DeviceWeights a = DeviceWeights.upload(studentSpec, a0, root, Device.cpu());
				DeviceWeights b = DeviceWeights.upload(studentSpec, b0, root, Device.cpu());
				DeviceWeights emaA = DeviceWeights.upload(studentSpec, a0, root, Device.cpu());
				DeviceWeights emaB = DeviceWeights.upload(studentSpec, b0, root, Device.cpu())) {
			TrainingData data = new TrainingData(randomSamples(8, 32, 3, 5), List.of(), 3, prep, Augmentation.none(), Device.cpu(), root,
					TrainingListener.NONE);
			try (ModelTrainer t = ModelTrainer.mutual("student", a, b, emaA, emaB, data, opt)) {
				t.runStage("skd", 1, 1e-3, 0, true);
			}
			String w = "layer2.0.conv1.weight";
			assertFalse(java.util.Arrays.equals(a0.get(w).data(), a.download().get(w).data()), "A learned");
			assertFalse(java.util.Arrays.equals(b0.get(w).data(), b.download().get(w).data()), "B learned");
			for (DeviceWeights[] pair : new DeviceWeights[][] {{emaA, a}, {emaB, b}}) {
				LinkedHashMap<String, HostTensor> before = pair[0] == emaA ? a0 : b0;
				LinkedHashMap<String, HostTensor> student = pair[1].download();
				LinkedHashMap<String, HostTensor> ema = pair[0].download();
				for (String name : studentSpec.tensorShapes().keySet()) {
					assertFalse(pair[0].get(name).hasGradient(), name);
					float[] e = ema.get(name).data();
					for (int i = 0; i < e.length; i++) {
						double expected = m * before.get(name).data()[i] + (1 - m) * student.get(name).data()[i];
						if (Math.abs(expected - e[i]) > 1e-5 + 1e-5 * Math.abs(expected)) fail(name + "[" + i + "]: " + e[i] + " vs " + expected);
					}
				}
			}
		}
	}
}
