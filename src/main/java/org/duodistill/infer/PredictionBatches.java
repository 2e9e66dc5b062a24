package org.duodistill.infer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the planes of prepared files into batches of the network across file boundaries (a 2-D
 * image is one plane: one file at a time would run the network on batches of one), and hands back
 * each file's rows, in the order the files were added, as soon as all its planes have been through
 * the network. Holds at most one batch of planes besides the files whose rows are not out yet.
 *
 * <p>The rule for every path that batches (classify, evaluate, the Spark job): each probability
 * equals what classifying the file alone gives within 1e-6; batching changes only the order of
 * libtorch's sums.
 *
 * @param <K> what the caller knows each file by (its position in a listing, a Spark input file)
 */
public final class PredictionBatches<K> {
	/** Receives each file's rows, one call per file, in the order the files were added. */
	public interface Done<K> {
		void file(K key, Classifier.PreparedFile file, List<Prediction> rows) throws Exception;
	}

	/** The default batch: measured on 2 cores (docs/benchmarks.md, folder classification). */
	public static final int DEFAULT_BATCH = 64;

	private final Classifier classifier;
	private final int batch;
	private final Done<K> done;
	private final ArrayDeque<Pending<K>> files = new ArrayDeque<>();
	private final List<float[]> inputs = new ArrayList<>();
	private final List<Pending<K>> owners = new ArrayList<>();
	private final List<Integer> planes = new ArrayList<>();

	private static final class Pending<K> {
		final K key;
		final Classifier.PreparedFile file;
		final float[][] probabilities;
		int missing;

		Pending(K key, Classifier.PreparedFile file) {
			this.key = key;
			this.file = file;
			this.probabilities = new float[file.inputs().size()][];
			this.missing = probabilities.length;
		}
	}

	public PredictionBatches(Classifier classifier, int batch, Done<K> done) {
		if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
		this.classifier = classifier;
		this.batch = batch;
		this.done = done;
	}

	/** Adds a file's planes; runs the network on every full batch. */
	public void add(K key, Classifier.PreparedFile file) throws Exception {
		Pending<K> p = new Pending<>(key, file);
		files.add(p);
		for (int i = 0; i < file.inputs().size(); i++) {
			inputs.add(file.inputs().get(i));
			owners.add(p);
			planes.add(i);
			if (inputs.size() == batch) runBatch();
		}
		handOver();
	}

	/** Runs the last, partial batch and hands over every file still waiting. */
	public void finish() throws Exception {
		if (!inputs.isEmpty()) runBatch();
		handOver();
	}

	private void runBatch() {
		float[][] probs = classifier.probabilities(inputs);
		for (int i = 0; i < probs.length; i++) {
			Pending<K> p = owners.get(i);
			p.probabilities[planes.get(i)] = probs[i];
			p.missing--;
		}
		inputs.clear();
		owners.clear();
		planes.clear();
	}

	private void handOver() throws Exception {
		while (!files.isEmpty() && files.peekFirst().missing == 0) {
			Pending<K> p = files.removeFirst();
			List<Prediction> rows = new ArrayList<>(p.probabilities.length);
			for (int i = 0; i < p.probabilities.length; i++) {
				rows.add(classifier.prediction(p.file.source(), p.file.sliceNumbers().get(i), p.probabilities[i]));
			}
			done.file(p.key, p.file, rows);
		}
	}
}
