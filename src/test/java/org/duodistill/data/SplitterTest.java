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
}
