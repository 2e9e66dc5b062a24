package org.duodistill.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/** Decoded, labelled samples with their class names, plus the files that were skipped and why. */
public final class Dataset {
	private final List<String> classes;
	private final List<Sample> samples;
	private final String fingerprint;
	private final List<ImportRecord> report;

	/** @param report every file looked at; the skipped files are those not used */
	public Dataset(List<String> classes, List<Sample> samples, String fingerprint, List<ImportRecord> report) {
		this.classes = List.copyOf(classes);
		this.samples = List.copyOf(samples);
		this.fingerprint = fingerprint;
		this.report = List.copyOf(report);
	}

	/**
	 * Every file looked at, used or skipped, in the order read; a used file shows the split its
	 * samples were given (after a seeded split, not "unassigned").
	 */
	public List<ImportRecord> report() {
		java.util.Map<java.nio.file.Path, Split> splits = new java.util.HashMap<>();
		for (Sample s : samples) splits.putIfAbsent(s.file(), s.split());
		List<ImportRecord> out = new ArrayList<>(report.size());
		for (ImportRecord r : report) {
			Split s = splits.get(r.file());
			out.add(r.used() && s != null && s != r.split() ? r.inSplit(s) : r);
		}
		return out;
	}

	/** The import report as CSV. */
	public String reportCsv() {
		StringBuilder b = new StringBuilder(ImportRecord.csvHeader()).append('\n');
		for (ImportRecord r : report()) b.append(r.csvRow()).append('\n');
		return b.toString();
	}

	/** One line: files used and skipped, samples, and samples per class. */
	public String summary() {
		long used = report.stream().filter(ImportRecord::used).count();
		int[] counts = countsPerClass(samples);
		StringBuilder b = new StringBuilder();
		b.append(used).append(" file(s) used, ").append(report.size() - used).append(" skipped, ").append(samples.size()).append(" samples");
		for (int c = 0; c < counts.length; c++) b.append(c == 0 ? " (" : ", ").append(classes.get(c)).append(' ').append(counts[c]);
		return b.append(counts.length > 0 ? ")" : "").toString();
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

	/** The files that were not used, in the order read, with the reason. */
	public List<SkippedFile> skipped() {
		List<SkippedFile> out = new ArrayList<>();
		for (ImportRecord r : report) if (!r.used()) out.add(new SkippedFile(r.file(), r.reason()));
		return out;
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
		return new Dataset(classes, newSamples, fingerprint, report);
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
