package org.duodistill.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded stratified split by file: all slices of one file land in the same split, so slices of a
 * volume never leak between training and test.
 */
public final class Splitter {
	public static final double VAL_FRACTION = 0.15;
	public static final double TEST_FRACTION = 0.15;

	private Splitter() {}

	/** Assigns every UNASSIGNED sample; samples with explicit splits keep theirs. */
	public static Dataset assign(Dataset ds, long seed) {
		Map<Integer, List<Path>> filesPerClass = new LinkedHashMap<>();
		for (Sample s : ds.samples()) {
			if (s.split() != Split.UNASSIGNED) continue;
			List<Path> files = filesPerClass.computeIfAbsent(s.label(), k -> new ArrayList<>());
			if (files.isEmpty() || !files.get(files.size() - 1).equals(s.file())) {
				if (!files.contains(s.file())) files.add(s.file());
			}
		}
		Map<Path, Split> chosen = new LinkedHashMap<>();
		for (Map.Entry<Integer, List<Path>> e : filesPerClass.entrySet()) {
			List<Path> files = new ArrayList<>(e.getValue());
			Collections.sort(files);
			Collections.shuffle(files, new Random(seed * 31 + e.getKey()));
			int n = files.size();
			int nTest = (int) Math.round(n * TEST_FRACTION);
			int nVal = (int) Math.round(n * VAL_FRACTION);
			if (n >= 3) {
				nTest = Math.max(1, nTest);
				nVal = Math.max(1, nVal);
			} else {
				nTest = 0;
				nVal = n - 1;
			}
			for (int i = 0; i < n; i++) {
				chosen.put(files.get(i), i < nTest ? Split.TEST : i < nTest + nVal ? Split.VAL : Split.TRAIN);
			}
		}
		List<Sample> out = new ArrayList<>(ds.samples().size());
		for (Sample s : ds.samples()) {
			out.add(s.split() == Split.UNASSIGNED ? s.withSplit(chosen.get(s.file())) : s);
		}
		return ds.withSamples(out);
	}

	/**
	 * Keeps a stratified fraction of the training samples (the data-scarce setting), at least one per
	 * class; validation and test stay whole.
	 */
	public static Dataset subsampleTraining(Dataset ds, double fraction, long seed) {
		if (fraction >= 1.0) return ds;
		if (!(fraction > 0)) throw new IllegalArgumentException("--train-fraction must be in (0, 1], got " + fraction);
		Map<Integer, List<Sample>> perClass = new LinkedHashMap<>();
		for (Sample s : ds.split(Split.TRAIN)) perClass.computeIfAbsent(s.label(), k -> new ArrayList<>()).add(s);
		java.util.Set<Sample> keep = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
		for (Map.Entry<Integer, List<Sample>> e : perClass.entrySet()) {
			List<Sample> list = new ArrayList<>(e.getValue());
			Collections.shuffle(list, new Random(seed * 17 + e.getKey()));
			int k = Math.max(1, (int) Math.round(list.size() * fraction));
			keep.addAll(list.subList(0, k));
		}
		List<Sample> out = new ArrayList<>();
		for (Sample s : ds.samples()) {
			if (s.split() != Split.TRAIN || keep.contains(s)) out.add(s);
		}
		return ds.withSamples(out);
	}
}
