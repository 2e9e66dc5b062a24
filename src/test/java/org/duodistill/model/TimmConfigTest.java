package org.duodistill.model;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** timm's config.json, as its Hub repos hold it, tells the teacher's architecture, size and normalisation. */
class TimmConfigTest {
	static Path config(String name) {
		return Fixtures.path("timm-configs", name + ".json");
	}

	@Test
	void resnetConfigNamesItsStemAndHeadAsOurResNetDoes() throws IOException {
		TimmConfig c = TimmConfig.read(config("resnet18.a1_in1k"));
		assertEquals("resnet18", c.architecture());
		assertEquals("resnet18.a1_in1k", c.fullName());
		assertEquals(1000, c.numClasses());
		assertEquals(3, c.inputChannels());
		assertEquals(224, c.inputSize());
		assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, c.mean());
		assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, c.std());
		assertNamesFit(c);
	}

	@Test
	void vitConfigGivesItsOwnNormalisationAndHead() throws IOException {
		TimmConfig c = TimmConfig.read(config("vit_small_patch16_224.augreg_in21k"));
		assertEquals("vit_small_patch16_224", c.architecture());
		assertEquals(21843, c.numClasses());
		assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, c.mean());
		assertEquals("patch_embed.proj", c.firstConv());
		assertEquals("head", c.classifier());
		assertNamesFit(c);
		assertEquals(224, Architectures.parse(c.architecture(), 3, c.numClasses()).imageSize());
	}

	@Test
	void convnextConfigHeadIsHeadFc() throws IOException {
		TimmConfig c = TimmConfig.read(config("convnext_tiny.fb_in22k"));
		assertEquals("convnext_tiny", c.architecture());
		assertEquals(21841, c.numClasses());
		assertEquals("stem.0", c.firstConv());
		assertEquals("head.fc", c.classifier());
		assertNamesFit(c);
	}

	/** The config's first_conv and classifier are tensors of the architecture we build under its name. */
	private static void assertNamesFit(TimmConfig c) {
		ModelSpec spec = Architectures.parse(c.architecture(), c.inputChannels(), c.numClasses());
		long[] stem = spec.tensorShapes().get(c.firstConv() + ".weight");
		assertTrue(stem != null && stem.length == 4 && stem[1] == 3, c.firstConv() + ".weight is the 3-channel stem of " + c.architecture());
		long[] head = spec.tensorShapes().get(c.classifier() + ".weight");
		assertTrue(head != null && head[0] == c.numClasses(), c.classifier() + ".weight is the " + c.numClasses() + "-class head");
		assertTrue(spec.isHead(c.classifier() + ".weight"));
	}

	@Test
	void greyImagesGetTheAveragedStatistics() throws IOException {
		TimmConfig c = TimmConfig.read(config("resnet18.a1_in1k"));
		assertEquals((0.485f + 0.456f + 0.406f) / 3, c.meanFor(1)[0], 1e-6);
		assertEquals((0.229f + 0.224f + 0.225f) / 3, c.stdFor(1)[0], 1e-6);
		assertEquals(3, c.meanFor(3).length);
	}

	@Test
	void olderReposWithDefaultCfgAndMissingFieldsTakeTimmsDefaults() throws IOException {
		TimmConfig c = TimmConfig.parse("{\"architecture\": \"resnet50\", \"num_classes\": 1000, \"default_cfg\": {\"input_size\": [3, 256, 256]}}",
				Path.of("config.json"));
		assertEquals(256, c.inputSize());
		assertArrayEquals(org.duodistill.data.Preprocessing.IMAGENET_MEAN, c.mean());
		assertEquals("", c.tag());
	}

	@Test
	void whatIsNotATimmConfigIsOneLineNamingTheFile() {
		Path f = Path.of("repo/config.json");
		String[][] cases = {
				{"{\"architectures\": [\"ViTForImageClassification\"], \"model_type\": \"vit\"}", "transformers config"},
				{"{\"num_classes\": 3}", "no \"architecture\""},
				{"not json {", "not valid JSON"},
				{"[1, 2]", "not a JSON object"},
				{"{\"architecture\": \"resnet18\", \"pretrained_cfg\": {\"input_size\": [3, 224]}}", "[channels, height, width]"},
				{"{\"architecture\": \"resnet18\", \"pretrained_cfg\": {\"input_size\": [3, 224, 192]}}", "not square"},
				{"{\"architecture\": \"resnet18\", \"pretrained_cfg\": {\"mean\": [0.5, 0.5]}}", "mean/std have 2/3"},
				{"{\"architecture\": \"resnet18\", \"pretrained_cfg\": {\"std\": [0.5, 0, 0.5]}}", "std must be positive"},
				{"{\"architecture\": \"resnet18\", \"pretrained_cfg\": {\"mean\": \"grey\"}}", "list of numbers"}};
		for (String[] c : cases) {
			TensorFileException e = assertThrows(TensorFileException.class, () -> TimmConfig.parse(c[0], f), c[0]);
			assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
			assertTrue(e.getMessage().contains(c[1]), e.getMessage() + " should say " + c[1]);
			assertFalse(e.getMessage().contains("\n"), e.getMessage());
		}
	}
}
