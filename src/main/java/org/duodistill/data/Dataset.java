package org.duodistill.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/** Decoded, labelled samples with their class names, plus the files that were skipped and why. */
public final class Dataset {
	private final List<String> classes;
	private final List<Sample> samples;
	private final List<SkippedFile> skipped;
	private final String fingerprint;

	public Dataset(List<String> classes, List<Sample> samples, List<SkippedFile> skipped, String fingerprint) {
		this.classes = List.copyOf(classes);
		this.samples = List.copyOf(samples);
		this.skipped = List.copyOf(skipped);
		this.fingerprint = fingerprint;
	}

	public List<String> classes() {
		return classes;
	}

	public int numClasses() {
		return classes.size();
	}

	public List<Sample> samples() {
		return samples;
	}

	public List<SkippedFile> skipped() {
		return skipped;
	}

	/** SHA-256 over the relative paths, sizes and labels of the files used. */
	public String fingerprint() {
		return fingerprint;
	}

	public List<Sample> split(Split s) {
		return filter(x -> x.split() == s);
	}

	public List<Sample> filter(Predicate<Sample> p) {
		List<Sample> out = new ArrayList<>();
		for (Sample x : samples) if (p.test(x)) out.add(x);
		return Collections.unmodifiableList(out);
	}

	public Dataset withSamples(List<Sample> newSamples) {
		return new Dataset(classes, newSamples, skipped, fingerprint);
	}

	public int[] countsPerClass(List<Sample> subset) {
		int[] c = new int[classes.size()];
		for (Sample s : subset) c[s.label()]++;
		return c;
	}

	/** True when any sample has colour, so the model should see three channels. */
	public boolean hasColour() {
		for (Sample s : samples) if (s.channels() == 3) return true;
		return false;
	}
}
