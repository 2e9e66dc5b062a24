package org.duodistill.infer;

import ai.djl.Device;
import com.google.gson.JsonObject;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ShortProcessor;
import org.duodistill.data.ImageReadException;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.SkippedFile;
import org.duodistill.model.Architectures;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.SavedModel;
import org.duodistill.model.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline (files read on several threads, planes batched across files) against the
 * one-file-at-a-time path, on real files: PNGs of sample-images, a 16-bit PNG, a 15-frame DICOM
 * dose volume, a 2-frame RGB DICOM, and two files that cannot be read. The rule: the same rows in the
 * same order, every probability within 1e-6, the same files skipped for the same reasons.
 */
class PipelineClassificationTest {
	@TempDir
	static Path dir;
	static Classifier classifier;
	static List<Path> files;

	@BeforeAll
	static void folder() throws Exception {
		System.setProperty("java.awt.headless", "true");
		Path in = Files.createDirectories(dir.resolve("in"));
		for (String c : List.of("axial", "coronal", "sagittal")) {
			try (Stream<Path> s = Files.list(Path.of("sample-images", c))) {
				for (Path p : s.sorted().limit(4).toList()) Files.copy(p, in.resolve(c + "-" + p.getFileName()));
			}
		}
		Path dicom = Path.of("src/test/resources/data/dicom");
		for (String f : List.of("rtdose.dcm", "SC_rgb_rle_2frame.dcm", "MR_truncated.dcm")) Files.copy(dicom.resolve(f), in.resolve(f));
		ShortProcessor sp = new ShortProcessor(40, 30);
		for (int i = 0; i < 40 * 30; i++) sp.set(i, (i * 37) % 4000);
		new FileSaver(new ImagePlus("ct", sp)).saveAsPng(in.resolve("ct16.png").toString());
		Files.writeString(in.resolve("notes.txt"), "not an image\n");
		files = FolderClassification.files(in);
		ModelSpec spec = Architectures.parse("resnet10-w4", 1, 3);
		JsonObject provenance = new JsonObject();
		provenance.add("calibration", new Calibration("temperature", 0.5, "val", 10, 0.2, 0.05).toJson());
		SavedModel model = new SavedModel(spec, WeightInit.random(spec, 5), List.of("a", "b", "c"),
				new Preprocessing(32, 1, 0.5, 99.5, new float[] {0.3f}, new float[] {0.25f}), provenance);
		classifier = new Classifier(model, Device.cpu(), ImageReaders.standard());
	}

	@AfterAll
	static void close() {
		if (classifier != null) classifier.close();
	}

	/** What classify gave before the pipeline: each file on its own, in listing order. */
	static FolderClassification.Result oneAtATime() {
		List<Prediction> rows = new ArrayList<>();
		List<SkippedFile> skipped = new ArrayList<>();
		for (Path f : files) {
			try {
				rows.addAll(classifier.classify(f));
			} catch (ImageReadException e) {
				skipped.add(new SkippedFile(e.file(), e.reason()));
			}
		}
		return new FolderClassification.Result(rows, skipped, false);
	}

	@Test
	void batchedAcrossFilesOnSeveralThreadsGivesTheOneAtATimeRowsWithin1e6() {
		FolderClassification.Result expected = oneAtATime();
		assertEquals(12 + 1 + 15 + 2, expected.predictions().size(), "12 PNGs, a 16-bit PNG, 15 dose frames, 2 RGB frames");
		float spread = 0;
		for (Prediction p : expected.predictions()) spread = Math.max(spread, p.confidence() - 1f / 3);
		assertTrue(spread > 0.05, "random weights must give probabilities that differ between images: " + spread);
		// batches smaller than a volume, larger than the folder, on 0 to 3 reading threads
		for (FolderClassification.Settings s : List.of(new FolderClassification.Settings(5, 2), new FolderClassification.Settings(64, 3),
				new FolderClassification.Settings(1, 1), new FolderClassification.Settings(7, 0))) {
			FolderClassification.Result got = FolderClassification.run(classifier, files, null, null, s);
			assertEquals(expected.skipped(), got.skipped(), "the same files skipped for the same reasons, " + s);
			assertEquals(expected.predictions().size(), got.predictions().size(), s.toString());
			double worst = 0;
			for (int i = 0; i < got.predictions().size(); i++) {
				Prediction e = expected.predictions().get(i);
				Prediction g = got.predictions().get(i);
				assertEquals(e.source(), g.source(), "row " + i + " in listing order, " + s);
				assertEquals(e.slice(), g.slice(), "row " + i + ", " + s);
				for (int k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(e.probabilities()[k] - g.probabilities()[k]));
				assertEquals(e.predictedClass(), g.predictedClass(), "row " + i + ", " + s);
			}
			System.out.println("pipeline " + s + ": largest probability difference from one file at a time " + worst);
			assertTrue(worst <= 1e-6, "largest probability difference " + worst + " with " + s);
			assertTrue(!got.cancelled());
		}
		List<String> reasons = expected.skipped().stream().map(k -> k.file().getFileName().toString()).sorted().toList();
		assertEquals(List.of("MR_truncated.dcm", "notes.txt"), reasons);
	}

	@Test
	void cancellingKeepsTheRowsOfTheFilesAlreadyTaken() {
		AtomicInteger seen = new AtomicInteger();
		FolderClassification.Result got = FolderClassification.run(classifier, files, (i, n, f) -> seen.set(i), () -> seen.get() >= 3,
				new FolderClassification.Settings(32, 2));
		assertTrue(got.cancelled());
		assertEquals(3, seen.get(), "no file after the third reported");
		FolderClassification.Result all = oneAtATime();
		// the first three files of the listing are PNGs: one row each, finished although their batch was not full
		assertEquals(3, got.predictions().size());
		for (int i = 0; i < 3; i++) assertEquals(all.predictions().get(i).source(), got.predictions().get(i).source());
	}
}
