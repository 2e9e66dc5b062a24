package org.duodistill.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubRepoIdTest {
	@Test
	void parsesBothPrefixesAndDefaultsToMain() {
		HubRepoId a = HubRepoId.parse("hf-hub:timm/resnet18.a1_in1k");
		assertEquals("timm/resnet18.a1_in1k", a.repo());
		assertEquals("main", a.revision());
		assertEquals("hf-hub:timm/resnet18.a1_in1k", a.display());
		assertEquals("models--timm--resnet18.a1_in1k", a.cacheFolderName());
		assertEquals(a, HubRepoId.parse("hf_hub:timm/resnet18.a1_in1k"));
	}

	@Test
	void revisionAfterAt() {
		HubRepoId b = HubRepoId.parse("hf-hub:timm/vit_tiny_patch16_224.augreg_in21k@v1.0");
		assertEquals("v1.0", b.revision());
		assertEquals("hf-hub:timm/vit_tiny_patch16_224.augreg_in21k@v1.0", b.display());
		HubRepoId pr = HubRepoId.parse("hf-hub:org/name@refs/pr/1");
		assertEquals("refs/pr/1", pr.revision());
		String sha = "0123456789abcdef0123456789abcdef01234567";
		HubRepoId c = HubRepoId.parse("hf-hub:org/name@" + sha);
		assertTrue(c.revisionIsCommit());
		assertFalse(b.revisionIsCommit());
		assertEquals("hf-hub:org/name@" + sha, c.display());
		assertEquals("hf-hub:org/name", HubRepoId.parse("hf-hub:org/name@main").display());
	}

	@Test
	void recognisesReferences() {
		assertTrue(HubRepoId.isHubReference("hf-hub:a/b"));
		assertTrue(HubRepoId.isHubReference("hf_hub:a/b"));
		assertFalse(HubRepoId.isHubReference("/models/teacher.safetensors"));
		assertFalse(HubRepoId.isHubReference("auto"));
		assertFalse(HubRepoId.isHubReference(null));
	}

	@ParameterizedTest
	@ValueSource(strings = { "hf-hub:", "hf-hub:timm", "hf-hub:/name", "hf-hub:org/", "hf-hub:a/b/c", "hf-hub:org/na..me",
			"hf-hub:../etc", "hf-hub:org/..", "hf-hub:org/name@", "hf-hub:org/name@../../x", "hf-hub:org/na me",
			"hf-hub:org/a--b", "hf-hub:org/name@a b", "timm/resnet18", "hf-hub:org/name\n@x", "hf-hub:org/-name" })
	void refusesBadIdsInOneLine(String bad) {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubRepoId.parse(bad));
		assertFalse(e.getMessage().contains("\n"), e.getMessage());
		assertTrue(e.getMessage().contains("not a Hugging Face model id"), e.getMessage());
	}

	@Test
	void constructorChecksToo() {
		assertThrows(IllegalArgumentException.class, () -> new HubRepoId("org/..", "main"));
		assertThrows(IllegalArgumentException.class, () -> new HubRepoId("org/name", ""));
	}
}
