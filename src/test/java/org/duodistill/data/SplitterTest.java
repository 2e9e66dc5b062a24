package org.duodistill.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeded, stratified, file-level splits and training subsets, on the committed samples and real stacks. */
class SplitterTest {
	/** The 300 committed sample PNGs, 3 classes, all UNASSIGNED. */
	static Dataset samples;

	@TempDir
	Path tmp;

	@BeforeAll
	static void load() throws Exception {
		samples = new DatasetLoader(ImageReaders.standard(), 8, null).load(TestImages.SAMPLES, true);
		assertTrue(samples.samples().stream().allMatch(s -> s.split() == Split.UNASSIGNED));
	}

	static Map<Path, Split> splitOfFile(Dataset ds) {
		Map<Path, Split> m = new LinkedHashMap<>();
		for (Sample s : ds.samples()) {
			Split prev = m.put(s.file(), s.split());
			assertTrue(prev == null || prev == s.split(), s.file() + " has slices in " + prev + " and " + s.split());
		}
		return m;
	}

	@Test
	void sameSeedSameSplitOtherSeedOtherSplit() {
		Map<Path, Split> a = splitOfFile(Splitter.assign(samples, 42));
		Map<Path, Split> b = splitOfFile(Splitter.assign(samples, 42));
		Map<Path, Split> c = splitOfFile(Splitter.assign(samples, 43));
		assertEquals(a, b, "deterministic for a seed");
		assertNotEquals(a, c, "another seed gives another split");
		assertTrue(a.values().stream().noneMatch(s -> s == Split.UNASSIGNED), "every sample assigned");
		// The same per-class sizes either way: only which files go where changes.
		for (Split s : List.of(Split.TRAIN, Split.VAL, Split.TEST)) {
			assertEquals(a.values().stream().filter(s::equals).count(), c.values().stream().filter(s::equals).count(), s.toString());
		}
	}

	@Test
	void splitIsStratifiedWithTheConfiguredFractions() {
		Dataset ds = Splitter.assign(samples, 3);
		int[] train = ds.countsPerClass(ds.split(Split.TRAIN));
		int[] val = ds.countsPerClass(ds.split(Split.VAL));
		int[] test = ds.countsPerClass(ds.split(Split.TEST));
		int[] all = ds.countsPerClass(ds.samples());
		for (int c = 0; c < ds.numClasses(); c++) {
			assertEquals(all[c], train[c] + val[c] + test[c]);
			assertEquals(Math.round(all[c] * Splitter.VAL_FRACTION), val[c], "class " + c + " val");
			assertEquals(Math.round(all[c] * Splitter.TEST_FRACTION), test[c], "class " + c + " test");
		}
	}

	@Test
	void everyClassWithThreeFilesGetsValidationAndTestFiles() throws Exception {
		Path root = tmp.resolve("small");
		TestImages.copySamples("axial", 3, root.resolve("a3"));
		TestImages.copySamples("coronal", 4, root.resolve("b4"));
		TestImages.copySamples("sagittal", 7, root.resolve("c7"));
		TestImages.copySamples("axial", 2, root.resolve("d2"));
		Dataset ds = new DatasetLoader(ImageReaders.standard(), 8, null).load(root, true);
		for (long seed = 0; seed < 20; seed++) {
			Dataset a = Splitter.assign(ds, seed);
			int[] train = a.countsPerClass(a.split(Split.TRAIN));
			int[] val = a.countsPerClass(a.split(Split.VAL));
			int[] test = a.countsPerClass(a.split(Split.TEST));
			for (int c = 0; c < 3; c++) {
				String what = "seed " + seed + " class " + a.classes().get(c);
				assertTrue(val[c] >= 1, what + " has no validation file");
				assertTrue(test[c] >= 1, what + " has no test file");
				assertTrue(train[c] >= 1, what + " has no training file");
			}
			// Two files: one to train on, one to validate with.
			assertEquals(1, train[3]);
			assertEquals(1, val[3]);
		}
	}

	@Test
	void allSlicesOfAStackStayInOneSplit() throws Exception {
		Path root = tmp.resolve("stacks");
		for (String cls : List.of("left", "right")) {
			for (int i = 0; i < 6; i++) TestImages.stack8Tiff(root.resolve(cls + "/vol" + i + ".tif"), 40, 40, 4);
		}
		Dataset ds = new DatasetLoader(ImageReaders.standard(), 8, null).load(root, true);
		assertEquals(48, ds.samples().size());
		Set<Split> used = new HashSet<>();
		for (long seed = 0; seed < 10; seed++) {
			Dataset a = Splitter.assign(ds, seed);
			Map<Path, Split> perFile = splitOfFile(a); // fails if a file's slices disagree
			assertEquals(12, perFile.size());
			used.addAll(perFile.values());
			for (Split s : List.of(Split.TRAIN, Split.VAL, Split.TEST)) {
				assertEquals(0, a.split(s).size() % 4, seed + " " + s + ": whole stacks only");
			}
		}
		assertEquals(Set.of(Split.TRAIN, Split.VAL, Split.TEST), used);
	}

	@Test
	void explicitSplitsAreLeftAlone() throws Exception {
		Path dir = tmp.resolve("mixed");
		List<String> lines = new ArrayList<>();
		lines.add("path,label,split");
		Map<String, Split> explicit = new HashMap<>();
		for (String plane : List.of("axial", "coronal")) {
			TestImages.copySamples(plane, 10, dir.resolve(plane));
			List<Path> files = TestImages.samples(plane).subList(0, 10);
			for (int i = 0; i < files.size(); i++) {
				String rel = plane + "/" + files.get(i).getFileName();
				// Files 0..3 pinned (all to test, which a seeded split would never do), the rest left open.
				String split = i < 4 ? "test" : "";
				if (i < 4) explicit.put(rel, Split.TEST);
				lines.add(Csv.row(rel, plane, split));
			}
		}
		Path csv = Files.write(dir.resolve("list.csv"), lines);
		Dataset ds = new DatasetLoader(ImageReaders.standard(), 8, null).load(csv, true);
		assertEquals(8, ds.split(Split.TEST).size());
		assertEquals(12, ds.split(Split.UNASSIGNED).size());
		for (long seed : new long[] {1, 2, 99}) {
			Dataset a = Splitter.assign(ds, seed);
			assertEquals(ds.samples().size(), a.samples().size());
			for (int i = 0; i < ds.samples().size(); i++) {
				Sample before = ds.samples().get(i);
				Sample after = a.samples().get(i);
				assertEquals(before.file(), after.file(), "order kept");
				if (before.split() != Split.UNASSIGNED) {
					assertSame(before, after, "explicit split untouched: " + before.file());
				} else {
					assertNotEquals(Split.UNASSIGNED, after.split(), before.file().toString());
				}
			}
			// The 6 open files per class are split among themselves: 1 val, 1 test, 4 train.
			int[] train = a.countsPerClass(a.split(Split.TRAIN));
			int[] val = a.countsPerClass(a.split(Split.VAL));
			assertEquals(4, train[0]);
			assertEquals(4, train[1]);
			assertEquals(1, val[0]);
			assertEquals(1, val[1]);
			assertEquals(8 + 2, a.split(Split.TEST).size());
		}
		assertEquals(8, explicit.size());
	}

	@Test
	void subsampleTrainingKeepsAStratifiedFractionAndLeavesValAndTestWhole() {
		Dataset split = Splitter.assign(samples, 5);
		int[] before = split.countsPerClass(split.split(Split.TRAIN));
		Dataset sub = Splitter.subsampleTraining(split, 0.25, 11);
		int[] after = sub.countsPerClass(sub.split(Split.TRAIN));
		for (int c = 0; c < before.length; c++) {
			assertEquals(Math.max(1, Math.round(before[c] * 0.25)), after[c], "class " + c);
		}
		assertEquals(split.split(Split.VAL), sub.split(Split.VAL), "validation untouched");
		assertEquals(split.split(Split.TEST), sub.split(Split.TEST), "test untouched");
		assertTrue(split.split(Split.TRAIN).containsAll(sub.split(Split.TRAIN)), "a subset, not new samples");

		assertEquals(sub.split(Split.TRAIN), Splitter.subsampleTraining(split, 0.25, 11).split(Split.TRAIN), "deterministic");
		assertNotEquals(sub.split(Split.TRAIN), Splitter.subsampleTraining(split, 0.25, 12).split(Split.TRAIN), "seeded");

		Dataset tiny = Splitter.subsampleTraining(split, 0.001, 11);
		int[] one = tiny.countsPerClass(tiny.split(Split.TRAIN));
		for (int c = 0; c < one.length; c++) assertEquals(1, one[c], "at least one per class");
		assertEquals(split.split(Split.VAL).size() + split.split(Split.TEST).size() + 3, tiny.samples().size());

		assertSame(split, Splitter.subsampleTraining(split, 1.0, 11), "fraction 1 keeps everything");
		assertThrows(IllegalArgumentException.class, () -> Splitter.subsampleTraining(split, 0, 11));
		assertThrows(IllegalArgumentException.class, () -> Splitter.subsampleTraining(split, Double.NaN, 11));
	}
	/** train/ and test/ but no val/: PNG classes of 10, 7 and 2 files and a class of six 4-slice TIFF stacks. */
	private Path trainAndTestOnly() throws Exception {
		Path root = tmp.resolve("no-val");
		TestImages.copySamples("axial", 10, root.resolve("train/axial"));
		TestImages.copySamples("coronal", 7, root.resolve("train/coronal"));
		TestImages.copySamples("sagittal", 2, root.resolve("train/sagittal"));
		for (int i = 0; i < 6; i++) TestImages.stack8Tiff(root.resolve("train/stack/vol" + i + ".tif"), 40, 40, 4);
		for (String cls : List.of("axial", "coronal", "sagittal")) {
			Path dir = Files.createDirectories(root.resolve("test/" + cls));
			List<Path> src = TestImages.samples(cls);
			for (int i = 20; i < 22; i++) Files.copy(src.get(i), dir.resolve(src.get(i).getFileName()));
		}
		TestImages.stack8Tiff(root.resolve("test/stack/t0.tif"), 40, 40, 4);
		return root;
	}

	@Test
	void trainAndTestWithoutValGetAStratifiedValidationSplitCarvedFromTrainingFiles() throws Exception {
		Dataset ds = new DatasetLoader(ImageReaders.standard(), 8, null).load(trainAndTestOnly(), true);
		assertTrue(ds.split(Split.VAL).isEmpty());
		assertTrue(ds.split(Split.UNASSIGNED).isEmpty());
		assertEquals(List.of("axial", "coronal", "sagittal", "stack"), ds.classes());
		Set<Map<Path, Split>> distinct = new HashSet<>();
		for (long seed = 0; seed < 10; seed++) {
			List<String> messages = new ArrayList<>();
			Dataset a = Splitter.assign(ds, seed, messages::add);
			Map<Path, Split> perFile = splitOfFile(a); // fails if a stack's slices were split across train and val
			assertEquals(perFile, splitOfFile(Splitter.assign(ds, seed)), "deterministic for a seed");
			distinct.add(perFile);
			assertEquals(ds.samples().size(), a.samples().size());
			for (int i = 0; i < ds.samples().size(); i++) {
				Sample before = ds.samples().get(i);
				Sample after = a.samples().get(i);
				assertEquals(before.file(), after.file(), "order kept");
				if (before.split() == Split.TEST) assertSame(before, after, "test split untouched: " + before.file());
				if (after.split() == Split.VAL) assertEquals(Split.TRAIN, before.split(), "val drawn only from training files");
			}
			// Per class ~15% of the training files, at least one with >= 3 files; 2 files stay in train.
			int[] valFiles = new int[ds.numClasses()];
			int[] trainFiles = new int[ds.numClasses()];
			Map<Path, Integer> labelOf = new HashMap<>();
			for (Sample x : a.samples()) labelOf.put(x.file(), x.label());
			for (Map.Entry<Path, Split> e : perFile.entrySet()) {
				if (e.getValue() == Split.VAL) valFiles[labelOf.get(e.getKey())]++;
				if (e.getValue() == Split.TRAIN) trainFiles[labelOf.get(e.getKey())]++;
			}
			assertEquals(List.of(2, 1, 0, 1), java.util.Arrays.stream(valFiles).boxed().toList(), "seed " + seed);
			assertEquals(List.of(8, 6, 2, 5), java.util.Arrays.stream(trainFiles).boxed().toList(), "seed " + seed);
			assertEquals(4, a.split(Split.VAL).stream().filter(x -> x.label() == 3).count(), "a whole stack moved");
			assertEquals(List.of("no validation split in the data: 4 of 25 training files (16%, stratified by class) were moved to validation"),
					messages);

			// The import report shows the carved files as val, the others as before.
			int valRows = 0;
			for (ImportRecord r : a.report()) {
				assertTrue(r.used(), r.file().toString());
				assertEquals(perFile.get(r.file()), r.split(), r.file().toString());
				if (r.split() == Split.VAL) valRows++;
			}
			assertEquals(4, valRows);
			long csvValRows = a.reportCsv().lines().filter(l -> l.contains(",val,used,")).count();
			assertEquals(4, csvValRows, a.reportCsv());

			// A training subset is drawn afterwards from what stayed in train; validation stays whole.
			Dataset sub = Splitter.subsampleTraining(a, 0.5, seed);
			assertEquals(a.split(Split.VAL), sub.split(Split.VAL));
			assertTrue(a.split(Split.TRAIN).containsAll(sub.split(Split.TRAIN)));
		}
		assertTrue(distinct.size() > 1, "seeded: other seeds carve other files");
	}

	@Test
	void csvWithTrainAndTestButNoValGetsOneToo() throws Exception {
		Path dir = tmp.resolve("csv-no-val");
		List<String> lines = new ArrayList<>();
		lines.add("path,label,split");
		for (String plane : List.of("axial", "coronal")) {
			TestImages.copySamples(plane, 12, dir.resolve(plane));
			List<Path> files = TestImages.samples(plane).subList(0, 12);
			for (int i = 0; i < files.size(); i++) lines.add(Csv.row(plane + "/" + files.get(i).getFileName(), plane, i < 10 ? "train" : "test"));
		}
		Dataset ds = new DatasetLoader(ImageReaders.standard(), 8, null).load(Files.write(dir.resolve("list.csv"), lines), true);
		Dataset a = Splitter.assign(ds, 4);
		assertEquals(List.of(8, 8), java.util.Arrays.stream(a.countsPerClass(a.split(Split.TRAIN))).boxed().toList());
		assertEquals(List.of(2, 2), java.util.Arrays.stream(a.countsPerClass(a.split(Split.VAL))).boxed().toList());
		assertEquals(ds.split(Split.TEST), a.split(Split.TEST));
		assertEquals(4, a.reportCsv().lines().filter(l -> l.contains(",val,used,")).count(), a.reportCsv());
	}

	@Test
	void explicitValidationAndDataWithoutTrainingSplitAreLeftAsTheyAre() throws Exception {
		Path root = tmp.resolve("with-val");
		TestImages.copySamples("axial", 8, root.resolve("train/axial"));
		TestImages.copySamples("coronal", 8, root.resolve("train/coronal"));
		TestImages.copySamples("axial", 1, root.resolve("val/axial"));
		TestImages.copySamples("coronal", 1, root.resolve("test/coronal"));
		Dataset ds = new DatasetLoader(ImageReaders.standard(), 8, null).load(root, true);
		List<String> messages = new ArrayList<>();
		Dataset a = Splitter.assign(ds, 1, messages::add);
		assertEquals(ds.samples(), a.samples(), "an explicit validation split is kept as it is");
		assertTrue(messages.isEmpty(), messages.toString());

		Path noTrain = tmp.resolve("no-train");
		for (String cls : List.of("axial", "coronal")) {
			TestImages.copySamples(cls, 5, noTrain.resolve("val/" + cls));
			TestImages.copySamples(cls, 5, noTrain.resolve("test/" + cls));
		}
		Dataset nt = new DatasetLoader(ImageReaders.standard(), 8, null).load(noTrain, true);
		assertEquals(nt.samples(), Splitter.assign(nt, 1, messages::add).samples(), "test/ and val/ without train/: as before");
		assertTrue(messages.isEmpty(), messages.toString());

		// Too few training files per class to carve from: nothing moves, and the message says so.
		Path tiny = tmp.resolve("tiny");
		TestImages.copySamples("axial", 2, tiny.resolve("train/axial"));
		TestImages.copySamples("coronal", 1, tiny.resolve("train/coronal"));
		TestImages.copySamples("coronal", 1, tiny.resolve("test/coronal"));
		Dataset t = new DatasetLoader(ImageReaders.standard(), 8, null).load(tiny, true);
		assertEquals(t.samples(), Splitter.assign(t, 1, messages::add).samples());
		assertEquals(1, messages.size());
		assertTrue(messages.get(0).startsWith("no validation split in the data"), messages.get(0));

		// Unsplit data keep the 70/15/15 split exactly.
		assertEquals(Splitter.assign(samples, 8).samples().stream().map(Sample::split).toList(),
				Splitter.assign(samples, 8, messages::add).samples().stream().map(Sample::split).toList());
		assertEquals(1, messages.size());
	}
}
