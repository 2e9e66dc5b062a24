package org.duodistill.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.duodistill.select.ElementSelector;
import org.duodistill.select.WeightSelection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ViT and ConvNeXt against PyTorch (scripts/make_vit_convnext_fixtures.py): forward passes of
 * timm-style reference modules and of a real torchvision ViT, weight selection against a numpy
 * implementation of METHOD.md step 2 (bit for bit), position-embedding resampling against
 * F.interpolate. Errors are relative to the largest reference logit.
 */
class ViTAndConvNeXtParityTest {
	static final String VIT_TEACHER = "vit-e64-d3-h2-p4-i16";
	static final double MAX_RELATIVE_ERROR = 1e-4;

	@BeforeAll
	static void engine() {
		Engines.configure(2);
	}

	static float[] logits(ModelSpec spec, Map<String, HostTensor> weights, HostTensor input) {
		try (NDManager m = Engines.engine().newBaseManager();
				DeviceWeights w = DeviceWeights.upload(spec, new java.util.LinkedHashMap<>(weights), m, Device.cpu())) {
			NDArray x = m.create(input.data(), new Shape(input.shape()));
			return spec.network().forward(w, x, false).toFloatArray();
		}
	}

	/** Largest |ours - theirs| over the largest |theirs|; asserted below the bound, and returned for the record. */
	static double assertParity(float[] expected, float[] actual, String what) {
		assertEquals(expected.length, actual.length, what);
		double scale = 0;
		double err = 0;
		for (int i = 0; i < expected.length; i++) {
			scale = Math.max(scale, Math.abs(expected[i]));
			err = Math.max(err, Math.abs(expected[i] - actual[i]));
		}
		double rel = err / Math.max(scale, 1e-12);
		System.out.printf(java.util.Locale.ROOT, "parity %s: max relative error %.2e%n", what, rel);
		assertTrue(rel < MAX_RELATIVE_ERROR, what + ": max relative error " + rel);
		return rel;
	}

	static void assertSameTensors(Map<String, HostTensor> expected, Map<String, HostTensor> actual, String what) {
		for (Map.Entry<String, HostTensor> e : expected.entrySet()) {
			HostTensor a = actual.get(e.getKey());
			assertTrue(a != null, what + ": no " + e.getKey());
			assertArrayEquals(e.getValue().shape(), a.shape(), what + " " + e.getKey());
			assertArrayEquals(e.getValue().data(), a.data(), what + " " + e.getKey() + " bit for bit");
		}
	}

	@Test
	void vitForwardMatchesPyTorch() throws Exception {
		CheckpointImport.Imported t = CheckpointImport.load(Fixtures.path("vit", "teacher.safetensors"), VIT_TEACHER);
		ViTSpec spec = (ViTSpec) t.spec();
		assertEquals(2, spec.heads());
		assertEquals(17, spec.tokens());
		Map<String, HostTensor> io = Fixtures.read("vit", "teacher_io.safetensors");
		assertParity(io.get("logits_eval").data(), logits(spec, t.weights(), io.get("input")), "vit teacher");
		assertEquals(152_645, spec.parameterCount(), "torch's parameter count");
	}

	@Test
	void aViTWithoutANameGetsHeadsOfWidth64AndTheRestFromItsTensors() throws Exception {
		ViTSpec spec = (ViTSpec) CheckpointImport.load(Fixtures.path("vit", "teacher.safetensors"), null).spec();
		assertEquals(List.of(64, 3, 1, 256, 4, 16, 1, 5),
				List.of(spec.embedDim(), spec.depth(), spec.heads(), spec.mlpHidden(), spec.patch(), spec.imageSize(), spec.inChannels(), spec.numClasses()));
		assertEquals("vit-e64-d3-h1-p4-i16", spec.name());
	}

	@Test
	void torchvisionVitImportsUnderTimmNamesAndMatches() throws Exception {
		CheckpointImport.Imported t = CheckpointImport.load(Fixtures.path("vit", "torchvision_vit.safetensors"), "vit-e64-d2-h2-p4-i16");
		assertTrue(t.weights().containsKey("blocks.1.attn.qkv.weight") && t.weights().containsKey("cls_token"));
		Map<String, HostTensor> io = Fixtures.read("vit", "torchvision_vit_io.safetensors");
		assertParity(io.get("logits_eval").data(), logits(t.spec(), t.weights(), io.get("input")), "torchvision vit");
	}

	@Test
	void aGrayscaleStemOnGreyInputEqualsTheColourStemOnReplicatedGrey() throws Exception {
		CheckpointImport.Imported rgb = CheckpointImport.load(Fixtures.path("vit", "torchvision_vit.safetensors"), "vit-e64-d2-h2-p4-i16");
		CheckpointImport.Imported grey = CheckpointImport.load(Fixtures.path("vit", "torchvision_vit.safetensors"), "vit-e64-d2-h2-p4-i16", 1);
		assertEquals(1, grey.spec().inChannels());
		HostTensor colour = Fixtures.read("vit", "torchvision_vit_io.safetensors").get("input");
		HostTensor g = HostTensor.zeros(2, 1, 16, 16);
		HostTensor replicated = HostTensor.zeros(2, 3, 16, 16);
		for (int n = 0; n < 2; n++) {
			for (int i = 0; i < 256; i++) {
				float v = colour.data()[n * 768 + i];
				g.data()[n * 256 + i] = v;
				for (int c = 0; c < 3; c++) replicated.data()[n * 768 + c * 256 + i] = v;
			}
		}
		assertParity(logits(rgb.spec(), rgb.weights(), replicated), logits(grey.spec(), grey.weights(), g), "grayscale stem");
	}

	@Test
	void vitWeightSelectionMatchesTheNumpyReferenceBitForBit() throws Exception {
		assertSelectionMatchesNumpy("vit", VIT_TEACHER, "vit-e32-d2-h1-p4-i16");
	}

	/** Our selection of every tensor but the head equals the numpy reference's, for each committed selector. */
	static void assertSelectionMatchesNumpy(String family, String teacherArch, String studentArch) throws Exception {
		CheckpointImport.Imported t = CheckpointImport.load(Fixtures.path(family, "teacher.safetensors"), teacherArch);
		ModelSpec student = Architectures.parse(studentArch, 1, 5);
		for (String sel : new String[] {"uniform0", "uniform1", "consecutive0"}) {
			ElementSelector s = sel.startsWith("uniform") ? ElementSelector.uniform(sel.charAt(7) - '0') : ElementSelector.consecutive(0);
			Map<String, HostTensor> ours = WeightSelection.select(t.spec(), t.weights(), student, s, 1);
			Map<String, HostTensor> numpy = Fixtures.read(family, "student_" + sel + ".safetensors");
			assertEquals(student.tensorShapes().size() - 2, numpy.size(), family + ": every tensor but the head's weight and bias");
			assertSameTensors(numpy, ours, family + " " + sel);
		}
	}

	@Test
	void positionEmbeddingsResampleAsTimmDoes() throws Exception {
		HostTensor pos = Fixtures.read("vit", "teacher.safetensors").get("pos_embed");
		Map<String, HostTensor> expected = Fixtures.read("vit", "pos_embed_resampled.safetensors");
		for (int g : new int[] {8, 2, 3}) {
			HostTensor ours = PositionEmbedding.resample(pos, 1, g);
			assertArrayEquals(expected.get("grid" + g).shape(), ours.shape());
			assertParity(expected.get("grid" + g).data(), ours.data(), "pos_embed grid 4 -> " + g);
		}
		// a student for 32 px inputs takes the teacher's 16 px embeddings resampled
		CheckpointImport.Imported t = CheckpointImport.load(Fixtures.path("vit", "teacher.safetensors"), VIT_TEACHER);
		ModelSpec student = Architectures.parse("vit-e32-d2-h1-p4-i32", 1, 5);
		Map<String, HostTensor> s = WeightSelection.select(t.spec(), t.weights(), student, ElementSelector.uniform(0), 1);
		assertArrayEquals(new long[] {1, 65, 32}, s.get("pos_embed").shape());
		assertEquals(expected.get("grid8").data()[64 + 2], s.get("pos_embed").data()[32 + 1], 1e-5, "token 1, channel 2 -> student channel 1");
	}

	@Test
	void convNeXtForwardMatchesPyTorch() throws Exception {
		CheckpointImport.Imported t = CheckpointImport.load(Fixtures.path("convnext", "teacher.safetensors"), null);
		ConvNeXtSpec spec = (ConvNeXtSpec) t.spec();
		assertArrayEquals(new int[] {2, 1, 3, 1}, spec.depths());
		assertArrayEquals(new int[] {16, 32, 64, 128}, spec.dims());
		assertEquals("convnext-d2.1.3.1-w16", spec.name());
		assertEquals(308_597, spec.parameterCount(), "torch's parameter count");
		Map<String, HostTensor> io = Fixtures.read("convnext", "teacher_io.safetensors");
		assertParity(io.get("logits_eval").data(), logits(spec, t.weights(), io.get("input")), "convnext teacher");
	}

	@Test
	void convNeXtWeightSelectionMatchesTheNumpyReferenceBitForBit() throws Exception {
		assertSelectionMatchesNumpy("convnext", null, "convnext-d1.1.2.1-w8");
	}

	@Test
	void referencePresetsHaveTheirPublishedSizesAndPairUp() {
		// timm's model cards (Params (M), one decimal) at 224 px, 3 channels, 1000 classes
		Map<String, Double> published = Map.of("vit_small_patch16_224", 22.1, "vit_tiny_patch16_224", 5.7, "convnext_tiny", 28.6,
				"convnext_femto", 5.2);
		for (Map.Entry<String, Double> e : published.entrySet()) {
			double millions = Architectures.parse(e.getKey(), 3, 1000).parameterCount() / 1e6;
			assertEquals(e.getValue(), millions, 0.05, e.getKey());
		}
		for (java.util.List<String> pair : Architectures.REFERENCE_PAIRS) {
			ModelSpec teacher = Architectures.parse(pair.get(0), 1, 3);
			ModelSpec student = Architectures.parse(pair.get(1), 1, 3);
			assertEquals(null, student.incompatibilityWith(teacher), pair.toString());
		}
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> Architectures.parse("vit_tiny_patch16_64", 1, 3).withImageSize(60));
		assertTrue(e.getMessage().contains("multiple of 16"), e.getMessage());
	}
}
