package org.duodistill.infer;

import ij.process.ColorProcessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bins behind the diagram are the ECE's, worked by hand; the picture is a readable PNG that shows each curve. */
class ReliabilityDiagramTest {
	/**
	 * Top confidences 0.95 (right), 0.97 (wrong), 1.0 (right) in bin 14 (the last, which also takes
	 * exactly 1), 0.9 (right) in bin 13, 0.62 (right) in bin 9, 0.55 (wrong) in bin 8. ECE by hand:
	 * (|2 - 2.92| + |1 - 0.9| + |1 - 0.62| + |0 - 0.55|) / 6 = 1.95 / 6.
	 */
	static final float[][] P = {{0.95f, 0.05f}, {0.97f, 0.03f}, {1.0f, 0.0f}, {0.1f, 0.9f}, {0.62f, 0.38f}, {0.45f, 0.55f}};
	static final int[] Y = {0, 1, 0, 1, 0, 0};

	@TempDir
	Path dir;

	@BeforeAll
	static void headless() {
		System.setProperty("java.awt.headless", "true");
	}

	@Test
	void binsCountAndAccuracyAreThoseWorkedByHandAndTheirEceIsTheMetricsEce() {
		ConfidenceBins b = ConfidenceBins.of(P, Y);
		int[] count = new int[ConfidenceBins.BINS];
		count[14] = 3;
		count[13] = 1;
		count[9] = 1;
		count[8] = 1;
		assertArrayEquals(count, b.count());
		assertEquals(2.0 / 3, b.accuracy(14), 1e-12);
		assertEquals((0.95 + 0.97 + 1.0) / 3, b.confidence(14), 1e-6);
		assertEquals(1.0, b.accuracy(13));
		assertEquals(1.0, b.accuracy(9));
		assertEquals(0.0, b.accuracy(8));
		assertEquals(0.55, b.confidence(8), 1e-6);
		assertTrue(Double.isNaN(b.accuracy(0)) && Double.isNaN(b.confidence(0)), "an empty bin has no accuracy");
		assertEquals(1.95 / 6, b.ece(), 1e-6);
		assertEquals(Metrics.compute(P, Y, 2).ece(), b.ece(), 0.0, "one binning for the metrics and the diagram");
		assertEquals(Calibration.ece(P, Y), b.ece(), 0.0);
		assertThrows(IllegalArgumentException.class, () -> ConfidenceBins.of(P, new int[] {0}));
	}

	@Test
	void aModelWithoutATemperatureHasOneCurveTheDeployedOne() {
		ReliabilityDiagram d = ReliabilityDiagram.of(new float[0][], P, Y, 1.0, "m on d");
		assertEquals(1, d.curves().size());
		assertEquals(d.deployed(), d.curves().get(0));
		assertArrayEquals(ConfidenceBins.of(P, Y).count(), d.deployed().bins().count());
		assertTrue(d.deployed().legend().endsWith("ECE 0.325"), d.deployed().legend());
	}

	/**
	 * Each curve bins its own confidences: at T = 1 the logits (2, 0) give 0.881 (bin 13) and (1.5, 0)
	 * 0.818 (bin 12); at T = 2 they give 0.731 and 0.679, both in bin 10.
	 */
	@Test
	void aCalibratedModelShowsTheUncalibratedAndTheCalibratedCurveEachWithItsEce() {
		float[][] logits = {{2, 0}, {0, 3}, {1.5f, 0}, {0, 0.4f}};
		int[] y = {0, 1, 1, 0};
		float[][] applied = Calibration.softmax(logits, 2.0);
		ReliabilityDiagram d = ReliabilityDiagram.of(logits, applied, y, 2.0, "m on d");
		assertEquals(2, d.curves().size());
		ReliabilityDiagram.Curve before = d.curves().get(0);
		ReliabilityDiagram.Curve after = d.deployed();
		assertEquals(1.0, before.temperature());
		assertEquals(2.0, after.temperature());
		assertEquals(1, before.bins().count()[13], "softmax(2, 0) = 0.881");
		assertEquals(1, before.bins().count()[12], "softmax(1.5, 0) = 0.818");
		assertEquals(0, before.bins().count()[10]);
		assertEquals(2, after.bins().count()[10], "softmax(1, 0) = 0.731, softmax(0.75, 0) = 0.679");
		assertEquals(0, after.bins().count()[13]);
		assertEquals(Metrics.compute(Calibration.softmax(logits, 1.0), y, 2).ece(), before.bins().ece(), 0.0);
		assertEquals(Metrics.compute(applied, y, 2).ece(), after.bins().ece(), 0.0);
		assertTrue(after.label().contains("T = 2.000"), after.label());
	}

	@Test
	void theDiagramIsAReadablePngOfSensibleSizeWithBothCurvesDrawn() throws Exception {
		float[][] logits = {{2, 0}, {0, 3}, {1.5f, 0}, {0, 0.4f}, {4, 1}, {0.2f, 0}};
		int[] y = {0, 1, 1, 0, 0, 0};
		ReliabilityDiagram d = ReliabilityDiagram.of(logits, Calibration.softmax(logits, 0.5), y, 0.5, "tiny on labelled");
		Path png = dir.resolve("metrics-reliability.png");
		d.writePng(png);
		assertEquals(List.of(png), Files.list(dir).toList(), "no temporary file left beside it");
		BufferedImage img = ImageIO.read(png.toFile());
		assertNotNull(img, "a PNG ImageIO reads");
		assertTrue(img.getWidth() >= 500 && img.getWidth() <= 1200 && img.getHeight() >= 450 && img.getHeight() <= 1200,
				img.getWidth() + " x " + img.getHeight());
		ColorProcessor rendered = d.render();
		assertEquals(rendered.getWidth(), img.getWidth());
		assertEquals(rendered.getHeight(), img.getHeight());
		assertTrue(countPixels(img, 0x1f77b4) > 100, "the calibrated curve is drawn");
		assertTrue(countPixels(img, 0xd62728) > 100, "the uncalibrated curve is drawn");
		assertTrue(d.title().contains("tiny on labelled") && d.title().contains("6 images"), d.title());
	}

	@Test
	void thePngGoesBesideTheCsvUnderTheCsvsName() {
		assertEquals(Path.of("out", "metrics-reliability.png"), ReliabilityDiagram.besideCsv(Path.of("out", "metrics.csv")));
		assertEquals(Path.of("a.b-reliability.png"), ReliabilityDiagram.besideCsv(Path.of("a.b.csv")));
		assertEquals(Path.of("out", "metrics-reliability.png"), ReliabilityDiagram.besideCsv(Path.of("out", "metrics")));
		assertEquals(Path.of(".csv-reliability.png"), ReliabilityDiagram.besideCsv(Path.of(".csv")));
	}

	private static int countPixels(BufferedImage img, int rgb) {
		int n = 0;
		for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == rgb) n++;
		return n;
	}
}
