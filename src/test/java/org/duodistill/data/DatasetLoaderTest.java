package org.duodistill.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DatasetLoader on real files written with ImageJ 1 and on the committed sample PNGs. */
class DatasetLoaderTest {
	static final int SIZE = 16;

	@TempDir
	Path tmp;

	static DatasetLoader loader() {
		return new DatasetLoader(ImageReaders.standard(), SIZE, null);
	}

	static List<Sample> of(Dataset ds, Path file) {
		return ds.filter(s -> s.file().getFileName().equals(file.getFileName()) && s.file().getParent().getFileName()
				.equals(file.getParent().getFileName()));
	}

	static SkippedFile skippedFor(Dataset ds, Path file) {
		for (SkippedFile s : ds.skipped()) if (s.file().getFileName().equals(file.getFileName())) return s;
		return null;
	}

	static void assertScaled(Sample s) {
		assertEquals(s.channels() * SIZE * SIZE, s.scaled().length, s.file() + ": cached array is [c, size, size]");
		for (float v : s.scaled()) assertTrue(v >= 0f && v <= 1f && !Float.isNaN(v), s.file() + ": value " + v + " outside [0,1]");
	}

	@Test
	void classFoldersGiveSortedClassesRightLabelsAndOneSamplePerPlane() throws Exception {
		Path root = tmp.resolve("data");
		// Written out of name order; classes must still come back sorted.
		Path rgb = TestImages.rgbPng(root.resolve("zeta/colour.png"), 24, 20);
		Path f32 = TestImages.float32Tiff(root.resolve("zeta/float32.tif"), 30, 20, (x, y) -> -2.5f + 0.1f * x * y);
		Path stack = TestImages.stack8Tiff(root.resolve("mid/stack5.tif"), 40, 40, 5);
		TestImages.copySamples("sagittal", 1, root.resolve("mid"));
		Path b8 = TestImages.gray8Tiff(root.resolve("alpha/gray8.tif"), 20, 30, (x, y) -> TestImages.pattern(x, y, 20, 30));
		Path b16 = TestImages.gray16Tiff(root.resolve("alpha/gray16.tif"), 20, 30, (x, y) -> 1000 + 40 * x + 25 * y);
		Files.writeString(root.resolve("README.md"), "# test data\n");

		Dataset ds = loader().load(root, true);

		assertEquals(List.of("alpha", "mid", "zeta"), ds.classes());
		assertEquals(3, ds.numClasses());
		assertTrue(ds.skipped().isEmpty(), "README beside the class folders is documentation, not skipped: " + ds.skipped());
		// 2 in alpha, 5 slices + 1 PNG in mid, 2 in zeta.
		assertEquals(10, ds.samples().size());
		for (Sample s : ds.samples()) {
			String folder = s.file().getParent().getFileName().toString();
			assertEquals(ds.classes().indexOf(folder), s.label(), s.file() + " label");
			assertEquals(Split.UNASSIGNED, s.split(), "class-folder layout leaves the split to the Splitter");
			assertScaled(s);
		}
		for (Path single : List.of(b8, b16, f32, rgb)) {
			List<Sample> ss = of(ds, single);
			assertEquals(1, ss.size(), single + " is one plane");
			assertEquals(1, ss.get(0).slice());
			assertEquals(single == rgb ? 3 : 1, ss.get(0).channels(), single + " channels");
		}
		assertEquals(3 * SIZE * SIZE, of(ds, rgb).get(0).scaled().length);
		assertTrue(ds.hasColour());
		assertArrayEquals(new int[] {2, 6, 2}, ds.countsPerClass(ds.samples()));

		List<Sample> slices = of(ds, stack);
		assertEquals(List.of(1, 2, 3, 4, 5), slices.stream().map(Sample::slice).toList());
		// Slice s is bright for x < 6*s: the bright area, hence the mean, must grow slice by slice.
		double prev = -1;
		for (Sample s : slices) {
			double mean = mean(s.scaled());
			assertTrue(mean > prev + 0.05, "slice " + s.slice() + " decoded in order (mean " + mean + " after " + prev + ")");
			prev = mean;
		}
		assertEquals(64, ds.fingerprint().length(), "SHA-256 hex");
	}

	static double mean(float[] a) {
		double s = 0;
		for (float v : a) s += v;
		return s / a.length;
	}

	@Test
	void committedSampleImagesLoadAsThreeClasses() throws Exception {
		Dataset ds = new DatasetLoader(ImageReaders.standard(), 8, null).load(TestImages.SAMPLES, true);
		assertEquals(List.of("axial", "coronal", "sagittal"), ds.classes());
		int[] counts = ds.countsPerClass(ds.samples());
		for (int c = 0; c < 3; c++) {
			assertEquals(TestImages.samples(ds.classes().get(c)).size(), counts[c], ds.classes().get(c));
		}
		assertTrue(ds.skipped().isEmpty(), "LICENSE and README.md are documentation: " + ds.skipped());
		assertFalse(ds.hasColour(), "the sample PNGs are grey");
	}

	@Test
	void fingerprintDependsOnTheFilesAndLabels() throws Exception {
		Path root = tmp.resolve("fp");
		TestImages.copySamples("axial", 2, root.resolve("a"));
		TestImages.copySamples("coronal", 2, root.resolve("b"));
		String first = loader().load(root, true).fingerprint();
		assertEquals(first, loader().load(root, true).fingerprint(), "same files, same fingerprint");
		TestImages.copySamples("sagittal", 2, root.resolve("c"));
		assertNotEquals(first, loader().load(root, true).fingerprint(), "another class's files change it");
	}

	@Test
	void trainValTestFoldersSetTheSplits() throws Exception {
		Path root = tmp.resolve("split");
		TestImages.copySamples("axial", 3, root.resolve("train/axial"));
		TestImages.copySamples("coronal", 3, root.resolve("train/coronal"));
		TestImages.copySamples("axial", 2, root.resolve("val/axial"));
		TestImages.copySamples("coronal", 1, root.resolve("val/coronal"));
		TestImages.copySamples("axial", 1, root.resolve("test/axial"));
		TestImages.copySamples("coronal", 2, root.resolve("test/coronal"));

		Dataset ds = loader().load(root, true);

		assertEquals(List.of("axial", "coronal"), ds.classes(), "split folders are not classes");
		assertEquals(6, ds.split(Split.TRAIN).size());
		assertEquals(3, ds.split(Split.VAL).size());
		assertEquals(3, ds.split(Split.TEST).size());
		assertTrue(ds.split(Split.UNASSIGNED).isEmpty());
		for (Sample s : ds.samples()) {
			String splitFolder = s.file().getParent().getParent().getFileName().toString();
			assertEquals(Split.parse(splitFolder), s.split(), s.file().toString());
			assertEquals(ds.classes().indexOf(s.file().getParent().getFileName().toString()), s.label(), s.file().toString());
		}
		// A seeded split never moves samples whose folder chose their split.
		Dataset assigned = Splitter.assign(ds, 7);
		assertEquals(ds.samples().stream().map(Sample::split).toList(), assigned.samples().stream().map(Sample::split).toList());
	}

	@Test
	void csvWithHeaderResolvesPathsAgainstItsFolderAndListsMissingFiles() throws Exception {
		Path meta = tmp.resolve("project/meta");
		Path images = meta.resolve("images");
		TestImages.copySamples("axial", 3, images);
		Path a1 = TestImages.gray8Tiff(images.resolve("a,1.tif"), 20, 20, (x, y) -> TestImages.pattern(x, y, 20, 20));
		Path b1 = TestImages.gray16Tiff(images.resolve("b1.tif"), 20, 20, (x, y) -> 500 + 30 * x + y);
		Path b2 = TestImages.float32Tiff(tmp.resolve("elsewhere/b2.tif"), 20, 20, (x, y) -> x - y);
		List<Path> sag = TestImages.samples("sagittal");
		Path ax0 = images.resolve(TestImages.sample("axial", 0).getFileName());
		Path ax1 = images.resolve(TestImages.sample("axial", 1).getFileName());
		Path ax2 = images.resolve(TestImages.sample("axial", 2).getFileName());
		List<String> lines = new ArrayList<>();
		lines.add("path,label,split");
		lines.add("# a comment line");
		lines.add(Csv.row("images/" + ax0.getFileName(), "axial", "train"));
		lines.add(Csv.row("images/" + ax1.getFileName(), "axial", "validation"));
		lines.add(Csv.row("images/" + ax2.getFileName(), "axial", ""));
		lines.add(Csv.row("images/a,1.tif", "axial", "test"));
		lines.add("");
		lines.add(Csv.row("images/b1.tif", " other ", "TRAIN"));
		lines.add(Csv.row("../../elsewhere/b2.tif", "other"));
		lines.add(Csv.row(sag.get(0).toAbsolutePath().toString(), "other", "test"));
		lines.add(Csv.row("images/missing.png", "other", "train"));
		Path csv = meta.resolve("labels.csv");
		Files.write(csv, lines, StandardCharsets.UTF_8);

		// The working directory is the project root, not meta/: relative paths must follow the CSV.
		assertFalse(Files.exists(Path.of("images/b1.tif")));
		Dataset ds = loader().load(csv, true);

		assertEquals(List.of("axial", "other"), ds.classes(), "labels are trimmed");
		assertEquals(7, ds.samples().size());
		Map<String, Split> splitOf = new HashMap<>();
		for (Sample s : ds.samples()) {
			assertTrue(s.file().isAbsolute() && Files.isRegularFile(s.file()), s.file() + " resolved to a real file");
			splitOf.put(s.file().getFileName().toString(), s.split());
		}
		assertEquals(Split.TRAIN, splitOf.get(ax0.getFileName().toString()));
		assertEquals(Split.VAL, splitOf.get(ax1.getFileName().toString()));
		assertEquals(Split.UNASSIGNED, splitOf.get(ax2.getFileName().toString()));
		assertEquals(Split.TEST, splitOf.get("a,1.tif"));
		assertEquals(Split.TRAIN, splitOf.get("b1.tif"));
		assertEquals(Split.UNASSIGNED, splitOf.get("b2.tif"));
		assertEquals(Split.TEST, splitOf.get(sag.get(0).getFileName().toString()));
		assertEquals(0, of(ds, a1).get(0).label(), "a,1.tif (quoted, with a comma) is axial");
		assertEquals(1, of(ds, b1).get(0).label());
		assertEquals(b2.toAbsolutePath().normalize(), ds.filter(s -> s.file().endsWith("b2.tif")).get(0).file());

		assertEquals(1, ds.skipped().size(), ds.skipped().toString());
		SkippedFile missing = ds.skipped().get(0);
		assertEquals(images.resolve("missing.png").toAbsolutePath().normalize(), missing.file());
		assertTrue(missing.reason().contains("not found"), missing.reason());
		assertTrue(missing.reason().contains("line 11"), "reason names the CSV line: " + missing.reason());
	}

	@Test
	void otherSpellingsOfSplitFoldersAreHonoured() throws Exception {
		Path root = tmp.resolve("spellings");
		TestImages.copySamples("axial", 3, root.resolve("training/axial"));
		TestImages.copySamples("coronal", 3, root.resolve("training/coronal"));
		TestImages.copySamples("axial", 2, root.resolve("validation/axial"));
		TestImages.copySamples("coronal", 2, root.resolve("validation/coronal"));
		TestImages.copySamples("axial", 1, root.resolve("test/axial"));
		TestImages.copySamples("coronal", 1, root.resolve("test/coronal"));
		TestImages.copySamples("sagittal", 2, root.resolve("extra/sagittal"));

		Dataset ds = loader().load(root, true);

		assertEquals(List.of("axial", "coronal"), ds.classes());
		assertEquals(6, ds.split(Split.TRAIN).size(), "training/ is the training split");
		assertEquals(4, ds.split(Split.VAL).size(), "validation/ is not silently dropped");
		assertEquals(2, ds.split(Split.TEST).size());
		SkippedFile extra = skippedFor(ds, root.resolve("extra"));
		assertNotNull(extra, "a folder beside the split folders is reported, not silently ignored: " + ds.skipped());
		assertTrue(extra.reason().contains("not a split"), extra.reason());
	}

	@Test
	void csvSavedWithAByteOrderMarkOrLeadingCommentsKeepsItsHeader() throws Exception {
		Path dir = tmp.resolve("excel");
		TestImages.copySamples("axial", 2, dir.resolve("a"));
		TestImages.copySamples("coronal", 2, dir.resolve("b"));
		List<String> rows = new ArrayList<>();
		rows.add("path,label,split");
		for (String plane : List.of("axial", "coronal")) {
			String cls = plane.equals("axial") ? "a" : "b";
			List<Path> files = TestImages.samples(plane);
			rows.add(Csv.row(cls + "/" + files.get(0).getFileName(), cls, "train"));
			rows.add(Csv.row(cls + "/" + files.get(1).getFileName(), cls, "val"));
		}
		// Excel's "CSV UTF-8" starts the file with a byte-order mark.
		Path bom = dir.resolve("bom.csv");
		Files.writeString(bom, "\uFEFF" + String.join("\r\n", rows) + "\r\n", StandardCharsets.UTF_8);
		Dataset a = loader().load(bom, true);
		assertEquals(List.of("a", "b"), a.classes());
		assertEquals(4, a.samples().size());
		assertTrue(a.skipped().isEmpty(), a.skipped().toString());
		assertEquals(2, a.split(Split.VAL).size());

		Path commented = dir.resolve("commented.csv");
		List<String> withComment = new ArrayList<>(rows);
		withComment.add(0, "# exported 2026-01-01");
		withComment.add(1, "");
		Files.write(commented, withComment);
		Dataset c = loader().load(commented, true);
		assertEquals(4, c.samples().size());
		assertTrue(c.skipped().isEmpty(), "the header after a comment is a header, not a missing file: " + c.skipped());
	}

	@Test
	void csvWithAnUnknownSplitNamesTheLine() throws Exception {
		Path dir = tmp.resolve("csvbad");
		TestImages.copySamples("axial", 2, dir.resolve("img"));
		List<Path> files;
		try (Stream<Path> s = Files.list(dir.resolve("img"))) {
			files = s.sorted().toList();
		}
		Path csv = dir.resolve("data.csv");
		Files.write(csv, List.of("path,label,split", "img/" + files.get(0).getFileName() + ",axial,train",
				"img/" + files.get(1).getFileName() + ",axial,holdout"));
		DatasetException e = assertThrows(DatasetException.class, () -> loader().load(csv, true));
		assertTrue(e.getMessage().contains("line 3"), e.getMessage());
		assertTrue(e.getMessage().contains("holdout"), e.getMessage());
	}

	@Test
	void csvRowWithoutLabelNamesTheLine() throws Exception {
		Path dir = tmp.resolve("csvnolabel");
		Path f = TestImages.gray8Tiff(dir.resolve("x.tif"), 10, 10, (x, y) -> x * y);
		Path csv = dir.resolve("data.csv");
		Files.write(csv, List.of("x.tif,a", "x.tif"));
		DatasetException e = assertThrows(DatasetException.class, () -> loader().load(csv, false));
		assertTrue(e.getMessage().contains("line 2"), e.getMessage());
		assertTrue(Files.exists(f));
	}

	@Test
	void badFilesInAClassFolderAreSkippedWithAReasonAndTheRestLoads() throws Exception {
		Path root = tmp.resolve("bad");
		TestImages.copySamples("axial", 3, root.resolve("axial"));
		TestImages.copySamples("coronal", 3, root.resolve("coronal"));
		Path empty = Files.write(root.resolve("axial/empty.png"), new byte[0]);
		Path truncated = Files.write(root.resolve("axial/truncated.png"), TestImages.truncatedPng(100));
		Path textTif = Files.writeString(root.resolve("coronal/scan.tif"), "this is a text file, not a TIFF\nsecond line\n");
		Path notes = Files.writeString(root.resolve("coronal/notes.txt"), "Acquired on the 3T scanner; see protocol sheet.\n");
		Path hidden = Files.writeString(root.resolve("axial/.DS_Store"), "finder junk");
		Path loose = TestImages.gray8Tiff(root.resolve("loose.tif"), 10, 10, (x, y) -> x + y);

		List<String> progress = new ArrayList<>();
		Dataset ds = new DatasetLoader(ImageReaders.standard(), SIZE, progress::add).load(root, true);

		assertEquals(List.of("axial", "coronal"), ds.classes());
		assertArrayEquals(new int[] {3, 3}, ds.countsPerClass(ds.samples()));
		for (Sample s : ds.samples()) {
			assertTrue(s.file().getFileName().toString().endsWith(".png"), "only the good PNGs load: " + s.file());
			assertScaled(s);
		}
		assertEquals(5, ds.skipped().size(), ds.skipped().toString());
		assertNull(skippedFor(ds, hidden), "hidden files are ignored silently");

		SkippedFile e = skippedFor(ds, empty);
		assertNotNull(e, "0-byte file listed");
		assertEquals(empty, e.file());
		assertTrue(e.reason().contains("empty") && e.reason().contains("0 bytes"), e.reason());

		SkippedFile t = skippedFor(ds, truncated);
		assertNotNull(t, "truncated PNG listed");
		assertEquals(truncated, t.file());
		assertTrue(t.reason().contains("corrupt") || t.reason().contains("truncated"), t.reason());

		SkippedFile x = skippedFor(ds, textTif);
		assertNotNull(x, "text renamed .tif listed");
		assertEquals(textTif, x.file());
		assertTrue(x.reason().contains("text file, not an image") && x.reason().contains(".tif"), x.reason());

		SkippedFile n = skippedFor(ds, notes);
		assertNotNull(n, "notes.txt inside a class folder listed");
		assertEquals(notes, n.file());
		assertTrue(n.reason().contains("text file, not an image"), n.reason());
		for (SkippedFile s : ds.skipped()) {
			assertFalse(s.reason().contains("unexpected"), "a bad file is an expected case, not a decoder crash: " + s);
		}

		SkippedFile l = skippedFor(ds, loose);
		assertNotNull(l, "an image beside the class folders is reported");
		assertTrue(l.reason().contains("not inside a class folder"), l.reason());
	}

	@Test
	void missingFolderIsADatasetException() {
		Path nowhere = tmp.resolve("does-not-exist");
		DatasetException e = assertThrows(DatasetException.class, () -> loader().load(nowhere, true));
		assertTrue(e.getMessage().contains("does-not-exist") && e.getMessage().contains("not found"), e.getMessage());
	}

	@Test
	void oneClassIsADatasetExceptionNamingIt() throws Exception {
		Path root = tmp.resolve("one");
		TestImages.copySamples("axial", 4, root.resolve("lonely"));
		DatasetException e = assertThrows(DatasetException.class, () -> loader().load(root, true));
		assertTrue(e.getMessage().contains("1 class") && e.getMessage().contains("lonely"), e.getMessage());
		// Without the label requirement (inference) one class is fine.
		assertEquals(4, loader().load(root, false).samples().size());
	}

	@Test
	void emptyFolderIsADatasetException() throws Exception {
		Path root = Files.createDirectories(tmp.resolve("nothing"));
		DatasetException e = assertThrows(DatasetException.class, () -> loader().load(root, true));
		assertTrue(e.getMessage().contains("0 classes"), e.getMessage());
	}

	@Test
	void classWithFewerThanTwoUsableImagesIsNamed() throws Exception {
		Path root = tmp.resolve("thin");
		TestImages.copySamples("axial", 3, root.resolve("axial"));
		TestImages.copySamples("coronal", 1, root.resolve("coronal"));
		Files.write(root.resolve("coronal/broken.png"), TestImages.truncatedPng(100));
		Files.write(Files.createDirectories(root.resolve("sagittal")).resolve("empty.png"), new byte[0]);
		DatasetException e = assertThrows(DatasetException.class, () -> loader().load(root, true));
		String m = e.getMessage();
		assertTrue(m.contains("coronal (1)"), m);
		assertTrue(m.contains("sagittal (0)"), m);
		assertFalse(m.contains("axial"), "the healthy class is not blamed: " + m);
		assertTrue(m.contains("2 file(s) were skipped"), m);
	}
}
