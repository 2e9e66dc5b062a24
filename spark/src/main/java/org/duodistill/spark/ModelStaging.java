package org.duodistill.spark;

import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.SavedModel;
import org.duodistill.model.TensorFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks the model folder on the driver before any task runs (a missing or broken model fails the
 * command at once, with the core's message) and adds it to the job once: Spark's file server sends
 * it to each executor once, where {@link ExecutorModels} loads it once per JVM.
 */
final class ModelStaging {
	/** The model as the driver read it (class names for the output) and as executors will find it. */
	record Staged(SavedModel model, ShippedModel shipped) {}

	private ModelStaging() {}

	/** What a model folder holds that inference reads. */
	static final List<String> FILES = List.of(ModelFolder.MODEL_JSON, ModelFolder.WEIGHTS);

	/** The name a model folder's file travels under: unique to the model's content, since Spark refuses one name added twice with different files. */
	static String shippedName(String modelName, String file) {
		return modelName + "-" + file;
	}

	/** A local model folder that is not there, or is not a model, fails the command before Spark starts. */
	static void precheck(String modelLocation) throws TensorFileException {
		if (modelLocation == null || !Locations.isLocal(modelLocation)) return;
		ModelFolder.checkIsModelFolder(Locations.localPath(modelLocation));
	}

	/** @param cut the plane or storage axis name volumes are cut in (null: the model's) */
	static Staged stage(SparkSession spark, String modelLocation, String device, int threads, String cut) throws IOException {
		Path local = Locations.isLocal(modelLocation) ? Locations.localPath(modelLocation) : fetch(spark, modelLocation);
		SavedModel model = ModelFolder.read(local);
		String name = "duodistill-model-" + ModelFolder.sha256(local.resolve(ModelFolder.MODEL_JSON)).substring(0, 16);
		// Spark ships single files to a cluster (a local folder only in local mode): the folder's two files go one by one
		Path staging = temporaryFolder("duodistill-spark-model-");
		for (String f : FILES) {
			Path copy = staging.resolve(shippedName(name, f));
			Files.copy(local.resolve(f), copy);
			copy.toFile().deleteOnExit();
			spark.sparkContext().addFile(copy.toUri().toString());
		}
		return new Staged(model, new ShippedModel(name, device, threads, cut));
	}

	/** A model folder on a Hadoop file system, copied to the driver to be checked. */
	private static Path fetch(SparkSession spark, String location) throws IOException {
		org.apache.hadoop.fs.Path p = Locations.hadoopPath(location);
		FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
		if (!fs.exists(p)) throw new TensorFileException(Path.of(p.getName()), "model folder not found (" + location + ")");
		Path dir = temporaryFolder("duodistill-spark-fetch-").resolve(p.getName());
		fs.copyToLocalFile(false, p, new org.apache.hadoop.fs.Path(dir.toUri()), true);
		dir.toFile().deleteOnExit();
		try (var files = Files.list(dir)) {
			files.forEach(f -> f.toFile().deleteOnExit());
		}
		return dir;
	}

	/** Removed when the JVM exits; what is registered later inside it is removed first. */
	private static Path temporaryFolder(String prefix) throws IOException {
		Path dir = Files.createTempDirectory(prefix);
		dir.toFile().deleteOnExit();
		return dir;
	}
}
