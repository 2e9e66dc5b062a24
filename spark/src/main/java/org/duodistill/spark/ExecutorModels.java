package org.duodistill.spark;

import org.apache.spark.SparkFiles;
import org.apache.spark.util.LongAccumulator;
import org.duodistill.infer.Classifier;
import org.duodistill.model.Engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models this executor JVM has loaded: one Classifier per shipped model, shared by every task
 * the executor runs (weights are only read during inference), loaded by the first task that needs
 * it and kept for the JVM's life.
 */
final class ExecutorModels {
	private static final ConcurrentHashMap<String, Classifier> LOADED = new ConcurrentHashMap<>();

	private ExecutorModels() {}

	/** The model folder again, from the files Spark fetched for this executor, in a folder removed at exit. */
	private static Path assemble(String name) throws IOException {
		Path dir = Files.createTempDirectory("duodistill-spark-executor-model-");
		dir.toFile().deleteOnExit();
		for (String f : ModelStaging.FILES) {
			Path target = dir.resolve(f);
			Files.copy(Path.of(SparkFiles.get(ModelStaging.shippedName(name, f))), target);
			target.toFile().deleteOnExit();
		}
		return dir;
	}

	/** @param loads counts actual loads (one per executor JVM), {@code loadNanos} their time */
	static Classifier classifier(ShippedModel m, LongAccumulator loads, LongAccumulator loadNanos) {
		return LOADED.computeIfAbsent(m.key(), key -> {
			long t0 = System.nanoTime();
			// libtorch reads its thread count once, when the engine starts in this JVM
			Engines.configure(m.threadsHere());
			try {
				Classifier c = Classifier.open(assemble(m.name()), Engines.device(m.device()), m.slicing());
				loads.add(1);
				loadNanos.add(System.nanoTime() - t0);
				return c;
			} catch (IOException e) {
				throw new UncheckedIOException("executor cannot load the shipped model " + m.name() + ": " + e.getMessage(), e);
			}
		});
	}
}
