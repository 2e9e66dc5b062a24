package org.duodistill.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our DJL ResNet against PyTorch's outputs for the same weights and input. */
class ResNetParityTest {
	@BeforeAll
	static void engine() {
		Engines.configure(2);
	}

	private static float[] run(CheckpointImport.Imported imp, String inputFile, boolean training) throws Exception {
		Map<String, HostTensor> io = Fixtures.read(inputFile);
		HostTensor input = io.get("input");
		try (NDManager m = Engines.engine().newBaseManager();
				DeviceWeights w = DeviceWeights.upload(imp.spec(), imp.weights(), m, Device.cpu())) {
			NDArray x = m.create(input.data(), new Shape(input.shape()));
			return imp.spec().network().forward(w, x, training).toFloatArray();
		}
	}

	@Test
	void basicBlockResNetMatchesPyTorchInEvalAndTrainMode() throws Exception {
		CheckpointImport.Imported imp = CheckpointImport.load(Fixtures.resnet("teacher_basic.safetensors"), null);
		ResNetSpec spec = (ResNetSpec) imp.spec();
		assertFalse(spec.bottleneck());
		assertArrayEquals(new int[] {2, 2, 2, 2}, spec.depths());
		assertArrayEquals(new int[] {16, 32, 64, 128}, spec.widths());
		assertEquals(1, spec.inChannels());
		assertEquals(5, spec.numClasses());
		Map<String, HostTensor> io = Fixtures.read("teacher_basic_input.safetensors");
		Fixtures.assertClose(io.get("logits_eval").data(), run(imp, "teacher_basic_input.safetensors", false), 1e-4, 1e-4, "eval logits");
		Fixtures.assertClose(io.get("logits_train").data(), run(imp, "teacher_basic_input.safetensors", true), 1e-4, 1e-4, "train logits");
	}

	@Test
	void bottleneckResNetWithThreeChannelsMatchesPyTorch() throws Exception {
		CheckpointImport.Imported imp = CheckpointImport.load(Fixtures.resnet("teacher_bottleneck.safetensors"), null);
		ResNetSpec spec = (ResNetSpec) imp.spec();
		assertTrue(spec.bottleneck());
		assertArrayEquals(new int[] {2, 1, 2, 1}, spec.depths());
		assertEquals(3, spec.inChannels());
		Map<String, HostTensor> io = Fixtures.read("teacher_bottleneck_input.safetensors");
		Fixtures.assertClose(io.get("logits_eval").data(), run(imp, "teacher_bottleneck_input.safetensors", false), 1e-4, 1e-4, "eval logits");
	}

	@Test
	void npzImportEqualsSafetensorsImport() throws Exception {
		CheckpointImport.Imported a = CheckpointImport.load(Fixtures.resnet("teacher_basic.safetensors"), null);
		CheckpointImport.Imported b = CheckpointImport.load(Fixtures.resnet("teacher_basic.npz"), null);
		assertEquals(a.spec(), b.spec());
		assertEquals(a.weights().keySet(), b.weights().keySet());
		for (String k : a.weights().keySet()) {
			assertArrayEquals(a.weights().get(k).data(), b.weights().get(k).data(), k);
		}
	}

	@Test
	void parameterCountAndTensorNamesMatchTorchvision() throws Exception {
		Map<String, HostTensor> t = Fixtures.read("teacher_basic.safetensors");
		ModelSpec spec = CheckpointImport.load(Fixtures.resnet("teacher_basic.safetensors"), null).spec();
		assertEquals(t.keySet(), spec.tensorShapes().keySet());
		long learnable = 0;
		for (var e : t.entrySet()) if (!spec.isStatistic(e.getKey())) learnable += e.getValue().size();
		assertEquals(701_173, learnable, "torch's parameter count from the fixture README");
		assertEquals(learnable, spec.parameterCount());
	}

	@Test
	void presetStudentHasAtMostAQuarterOfTheTeachersParameters() {
		ModelSpec teacher = Architectures.parse(Architectures.DEFAULT_TEACHER, 1, 3);
		ModelSpec student = Architectures.parse(Architectures.DEFAULT_STUDENT, 1, 3);
		assertTrue(student.parameterCount() * 4 <= teacher.parameterCount(),
				student.parameterCount() + " vs " + teacher.parameterCount());
		assertEquals(null, student.incompatibilityWith(teacher));
		assertEquals(11_689_512L - 1000 * 513 + 3 * 513 - 2 * 64 * 49, teacher.parameterCount(),
				"torchvision resnet18 (11,689,512 at 1000 classes, 3 input channels) adjusted to 3 classes and 1 channel");
	}

	/** Inference folds each BatchNorm into its convolution; the logits stay PyTorch's. */
	@Test
	void foldedBatchNormGivesTheSameEvalLogits() throws Exception {
		for (String[] f : new String[][] {{"teacher_basic.safetensors", "teacher_basic_input.safetensors"},
				{"teacher_bottleneck.safetensors", "teacher_bottleneck_input.safetensors"}}) {
			CheckpointImport.Imported imp = CheckpointImport.load(Fixtures.resnet(f[0]), null);
			Map<String, HostTensor> io = Fixtures.read(f[1]);
			HostTensor input = io.get("input");
			try (NDManager m = Engines.engine().newBaseManager();
					DeviceWeights w = DeviceWeights.uploadForInference(imp.spec(), imp.weights(), m, Device.cpu())) {
				assertTrue(w.has("layer1.0.conv1.folded_weight") && w.has("conv1.folded_bias"), "folded tensors present");
				NDArray x = m.create(input.data(), new Shape(input.shape()));
				Fixtures.assertClose(io.get("logits_eval").data(), imp.spec().network().forward(w, x, false).toFloatArray(), 1e-4, 1e-4,
						f[0] + " folded eval logits");
				Fixtures.assertClose(io.get("logits_train") == null ? new float[0] : io.get("logits_train").data(),
						io.get("logits_train") == null ? new float[0] : imp.spec().network().forward(w, x, true).toFloatArray(), 1e-4, 1e-4,
						f[0] + " training mode ignores the folded tensors");
			}
		}
	}
}
