package org.duodistill.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class HubProgressTest {
	@Test
	void plainLinesAtMostEveryTwoSecondsPlusAFinalOne() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
		DownloadProgress p = HubProgress.toStream(err, false);
		p.repository(HubRepoId.parse("hf-hub:timm/resnet18.a1_in1k"));
		p.started("model.safetensors", 46_800_000, 0);
		p.advanced("model.safetensors", 12_300_000, 46_800_000, 8_100_000); // too soon after the start line
		p.advanced("model.safetensors", 46_800_000, 46_800_000, 8_100_000);
		p.finished("model.safetensors", 46_800_000);
		String out = bytes.toString(StandardCharsets.UTF_8);
		assertFalse(out.contains("\r"));
		List<String> lines = out.lines().toList();
		assertEquals(2, lines.size(), out);
		assertEquals("downloading model.safetensors from hf-hub:timm/resnet18.a1_in1k: 46.8 MB", lines.get(0));
		assertTrue(lines.get(1).startsWith("downloaded model.safetensors from hf-hub:timm/resnet18.a1_in1k: 46.8 MB in "),
				lines.get(1));
	}

	@Test
	void progressLineFormat() {
		assertEquals("12.3 / 46.8 MB (26%)", HubProgress.amount(12_300_000, 46_800_000));
		assertEquals("12.3 MB", HubProgress.amount(12_300_000, -1));
		assertEquals("8.1", HubProgress.mb(8_100_000));
	}

	@Test
	void quietPrintsNothing() {
		assertSame(DownloadProgress.NONE, HubProgress.toStream(System.err, true));
	}
}
