package org.duodistill.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Seeded stratified split by file: all slices of one file land in the same split, so slices of a
 * volume never leak between training and test.
 */
public final class Splitter {
	public static final double VAL_FRACTION = 0.15;
	public static final double TEST_FRACTION = 0.15;

	private Splitter() {}

	/**
	 * Assigns every UNASSIGNED sample; samples with explicit splits keep theirs. When the data have an
	 * explicit training split but end up without validation samples, a validation split is carved out
	 * of the training files (see {@link #carveValidation(Dataset, long, Consumer)}).
	 */
	public static Dataset assign(Dataset ds, long seed) {
		return assign(ds, seed, null);
	}

	/** As {@link #assign(Dataset, long)}; {@code messages} (may be null) hears about a carved validation split. */
	public static Dataset assign(Dataset ds, long seed, Consumer<String> messages) {
		boolean explicitTrain = false;
		for (Sample s : ds.samples()) explicitTrain |= s.split() == Split.TRAIN;
		Dataset assigned = assignUnassigned(ds, seed);
		return explicitTrain ? carveValidation(assigned, seed, messages) : assigned;
	}

	private static Dataset assignUnassigned(Dataset ds, long seed) {
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

	/** As {@link #carveValidation(Dataset, long, Consumer)} without messages. */
	public static Dataset carveValidation(Dataset ds, long seed) {
		return carveValidation(ds, seed, null);
	}

	/**
	 * When there are training samples but no validation samples, moves a seeded, stratified share of
	 * the training FILES to validation (all slices of a file move together): about
	 * {@link #VAL_FRACTION} of each class's training files, at least one for a class with three or
	 * more; a class with fewer training files keeps them all. Otherwise returns {@code ds} unchanged.
	 * Checkpoints are then chosen on held-out images rather than on the training images. Run it before
	 * {@link #subsampleTraining}, which draws from what stays in training.
	 *
	 * @param messages told what was moved (may be null)
	 */
	public static Dataset carveValidation(Dataset ds, long seed, Consumer<String> messages) {
		if (ds.samples().isEmpty() || !ds.split(Split.VAL).isEmpty() || ds.split(Split.TRAIN).isEmpty()) return ds;
		Map<Integer, Set<Path>> filesPerClass = new LinkedHashMap<>();
		for (Sample s : ds.split(Split.TRAIN)) filesPerClass.computeIfAbsent(s.label(), k -> new LinkedHashSet<>()).add(s.file());
		Set<Path> toVal = new java.util.HashSet<>();
		int trainFiles = 0;
		for (Map.Entry<Integer, Set<Path>> e : filesPerClass.entrySet()) {
			List<Path> files = new ArrayList<>(e.getValue());
			Collections.sort(files);
			Collections.shuffle(files, new Random(seed * 43 + e.getKey()));
			int n = files.size();
			trainFiles += n;
			int nVal = n >= 3 ? Math.max(1, (int) Math.round(n * VAL_FRACTION)) : 0;
			toVal.addAll(files.subList(0, nVal));
		}
		if (toVal.isEmpty()) {
			if (messages != null) {
				messages.accept("no validation split in the data, and no class has the 3 or more training files needed to carve one:"
						+ " checkpoints are selected on the training images");
			}
			return ds;
		}
		List<Sample> out = new ArrayList<>(ds.samples().size());
		for (Sample s : ds.samples()) out.add(s.split() == Split.TRAIN && toVal.contains(s.file()) ? s.withSplit(Split.VAL) : s);
		if (messages != null) {
			messages.accept(String.format(Locale.ROOT,
					"no validation split in the data: %d of %d training files (%d%%, stratified by class) were moved to validation",
					toVal.size(), trainFiles, Math.round(100.0 * toVal.size() / trainFiles)));
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
