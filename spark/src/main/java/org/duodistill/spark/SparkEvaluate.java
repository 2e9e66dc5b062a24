package org.duodistill.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.duodistill.cli.HelpOption;
import org.duodistill.cli.UsageException;
import org.duodistill.data.DatasetException;
import org.duodistill.data.DatasetLoader;
import org.duodistill.data.Split;
import org.duodistill.infer.EvaluationJob;
import org.duodistill.infer.Metrics;
import org.duodistill.model.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code evaluate} on Spark: the same data rules (class folders, optionally under train/val/test,
 * the test split when it has usable images, else everything; or a list path,label[,split]) and the
 * same metrics as the single-machine command, from probabilities computed on the executors and
 * gathered on the driver (a few floats per image).
 */
@Command(name = "evaluate", customSynopsis = "duodistill-spark evaluate --model MODEL_DIR --data DIR|CSV|LIST.parquet [OPTIONS]",
		description = {"Scores a model on labelled images on Spark, as evaluate does: metric,value CSV.",
				"Paths may be any Hadoop file system URI (hdfs://, s3a://, file:)."})
final class SparkEvaluate implements SparkMain.SparkCommand {
	@Mixin HelpOption help;

	@Option(names = "--model", paramLabel = "MODEL_DIR", required = true, description = "a model folder written by train (local or a Hadoop URI)")
	String model;

	@Option(names = "--data", paramLabel = "DIR|CSV|LIST.parquet", required = true, description = "labelled images, as evaluate takes them, or a list path,label[,split]")
	String data;

	@Option(names = "--output", paramLabel = "FILE.csv", description = "write the metrics here (default: stdout)")
	String output;

	@Option(names = "--overwrite", description = "replace an existing --output")
	boolean overwrite;

	@Mixin JobOptions job;

	@Override
	public JobOptions job() {
		return job;
	}

	@Override
	public void precheck() throws UsageException, org.duodistill.model.TensorFileException {
		job.check();
		ModelStaging.precheck(model);
		InputListing.precheck(data);
	}

	@Override
	public int run(SparkSession spark, PrintStream out, PrintStream err) throws UsageException, IOException, DatasetException {
		String data = this.data;
		JobSettings job = JobSettings.of(spark, this.job);
		var conf = spark.sparkContext().hadoopConfiguration();
		if (output != null) OutputLocation.checkWritable(output, overwrite, conf);
		ModelStaging.Staged staged = ModelStaging.stage(spark, this.model, job.device(), job.threads(), job.cut());
		SavedModel model = staged.model();
		InputListing.Listing listing = new InputListing(spark).labelled(data);
		TreeSet<String> classes = new TreeSet<>();
		for (InputFile f : listing.files()) classes.add(f.label());
		EvaluationJob.checkClasses(model, classes, data);
		for (String s : listing.setAside()) err.println("skipped " + s);
		if (listing.files().isEmpty()) throw new DatasetException(data + ": no usable labelled images");

		JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
		LongAccumulator loads = sc.sc().longAccumulator("model loads");
		LongAccumulator loadNanos = sc.sc().longAccumulator("model load time (ns)");
		List<EvaluatedPlane> planes = new ArrayList<>(sc.parallelize(listing.files(), job.partitions(listing.files().size()))
				.mapPartitions(new EvaluatePartition(staged.shipped(), HadoopSettings.broadcast(sc), loads, loadNanos)).collect());
		planes.sort(Comparator.comparingLong(EvaluatedPlane::order).thenComparingInt(EvaluatedPlane::slice));

		// as the single-machine loader: every readable file counts for the fingerprint; the test split is scored when it has images
		Set<Long> read = new HashSet<>();
		for (EvaluatedPlane p : planes) {
			InputFile f = listing.files().get((int) p.order());
			if (p.probabilities() == null) err.println("skipped " + f.file() + ": " + p.reason());
			else read.add(p.order());
		}
		boolean anyTest = planes.stream().anyMatch(p -> p.probabilities() != null && isTest(listing.files().get((int) p.order())));
		List<float[]> probs = new ArrayList<>();
		List<Integer> labels = new ArrayList<>();
		for (EvaluatedPlane p : planes) {
			InputFile f = listing.files().get((int) p.order());
			if (p.probabilities() == null || (anyTest && !isTest(f))) continue;
			probs.add(p.probabilities());
			labels.add(model.classes().indexOf(f.label()));
		}
		if (probs.isEmpty()) throw new DatasetException(data + ": no usable labelled images");
		Metrics metrics = Metrics.compute(probs.toArray(new float[0][]), labels.stream().mapToInt(Integer::intValue).toArray(), model.spec().numClasses());
		String warning = dataWarning(model, data, listing, read);
		if (warning != null) err.println("warning: " + warning);
		String csv = metrics.csv(model.classes());
		if (output == null) {
			out.print(csv);
		} else {
			OutputLocation.writeText(output, csv, conf);
			out.println(String.format(Locale.ROOT, "%s: accuracy %.4f, macro-F1 %.4f on %d images (model loaded %d time(s), %.2f s)", output,
					metrics.accuracy(), metrics.macroF1(), probs.size(), loads.value(), loadNanos.value() / 1e9));
		}
		return 0;
	}

	private static boolean isTest(InputFile f) {
		return Split.TEST.name().equals(f.split());
	}

	/** The fingerprint is defined over local files (their sizes and paths relative to the data folder); elsewhere no warning is given. */
	private static String dataWarning(SavedModel model, String data, InputListing.Listing listing, Set<Long> read) {
		if (!Locations.isLocal(data)) return null;
		List<DatasetLoader.Entry> used = new ArrayList<>();
		for (InputFile f : listing.files()) {
			if (read.contains(f.order())) used.add(new DatasetLoader.Entry(Path.of(f.location()), f.label(), Split.valueOf(f.split())));
		}
		return EvaluationJob.dataWarning(model, DatasetLoader.fingerprint(Locations.localPath(data), used), data);
	}
}
