package org.duodistill.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubSettingsTest {
	@TempDir
	Path home;

	@Test
	void defaultsAreHuggingFaceHubs() {
		HubSettings s = HubSettings.from(Map.of(), home);
		assertEquals("https://huggingface.co", s.endpoint());
		assertNull(s.token());
		assertEquals(home.resolve(".cache/huggingface/hub").toAbsolutePath(), s.cacheDir());
		assertFalse(s.offline());
	}

	@Test
	void variablesInHuggingFaceHubsOrder() {
		assertEquals(home.resolve("hf/hub"), HubSettings.from(Map.of("HF_HOME", home.resolve("hf").toString()), home).cacheDir());
		assertEquals(home.resolve("c"), HubSettings.from(Map.of("HF_HOME", home.resolve("hf").toString(), "HF_HUB_CACHE",
				home.resolve("c").toString()), home).cacheDir());
		assertEquals(home.resolve("x/huggingface/hub"),
				HubSettings.from(Map.of("XDG_CACHE_HOME", home.resolve("x").toString()), home).cacheDir());
		assertEquals(home.resolve("tilde/hub"), HubSettings.from(Map.of("HF_HOME", "~/tilde"), home).cacheDir());
		HubSettings s = HubSettings.from(Map.of("HF_ENDPOINT", "http://127.0.0.1:9/mirror//", "HF_TOKEN", " hf_abc "), home);
		assertEquals("http://127.0.0.1:9/mirror", s.endpoint());
		assertEquals("hf_abc", s.token());
		assertFalse(s.toString().contains("hf_abc"), "toString shows no token");
	}

	@Test
	void offlineValues() {
		for (String on : new String[] { "1", "true", "TRUE", "yes", "On" }) {
			assertTrue(HubSettings.from(Map.of("HF_HUB_OFFLINE", on), home).offline(), on);
		}
		for (String off : new String[] { "0", "false", "no", "" }) {
			assertFalse(HubSettings.from(Map.of("HF_HUB_OFFLINE", off), home).offline(), off);
		}
		assertTrue(HubSettings.from(Map.of("TRANSFORMERS_OFFLINE", "1"), home).offline());
	}

	@Test
	void tokenFileOfHuggingFaceLogin() throws Exception {
		Path file = home.resolve(".cache/huggingface/token");
		Files.createDirectories(file.getParent());
		Files.writeString(file, "hf_fromfile\n");
		assertEquals("hf_fromfile", HubSettings.from(Map.of(), home).token());
		assertEquals("hf_env", HubSettings.from(Map.of("HF_TOKEN", "hf_env"), home).token());
	}

	@Test
	void systemPropertiesWinOverEnvironment() {
		String before = System.getProperty("HF_ENDPOINT");
		try {
			System.setProperty("HF_ENDPOINT", "http://127.0.0.1:1/");
			assertEquals("http://127.0.0.1:1", HubSettings.fromEnvironment().endpoint());
		} finally {
			if (before == null) {
				System.clearProperty("HF_ENDPOINT");
			} else {
				System.setProperty("HF_ENDPOINT", before);
			}
		}
	}
}
