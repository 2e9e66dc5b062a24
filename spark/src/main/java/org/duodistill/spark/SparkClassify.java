package org.duodistill.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.duodistill.cli.HelpOption;
import org.duodistill.cli.UsageException;
import org.duodistill.data.Csv;
import org.duodistill.data.DatasetException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * {@code classify} on Spark: the single-machine command's rows ({@code file, slice, predicted,
 * confidence, p_<class>...}) plus {@code status} ({@code ok} or {@code unreadable}) and
 * {@code reason}, in the order {@code classify} gives them, written as CSV or Parquet through
 * Spark's output committer.
 */
@Command(name = "classify", customSynopsis = "duodistill-spark classify --model MODEL_DIR --input DIR|FILE|GLOB|LIST.csv|LIST.parquet [OPTIONS]",
		description = {"Classifies every file of an archive on Spark: classify's rows plus status and reason.",
				"Paths may be any Hadoop file system URI (hdfs://, s3a://, file:); outputs are folders of part files with _SUCCESS."})
final class SparkClassify implements SparkMain.SparkCommand {
	static final String OK = "ok";
	static final String UNREADABLE = "unreadable";

	@Mixin HelpOption help;

	@Option(names = "--model", paramLabel = "MODEL_DIR", required = true, description = "a model folder written by train (local or a Hadoop URI)")
	String model;

	@Option(names = "--input", paramLabel = "DIR|FILE|GLOB|LIST.csv|LIST.parquet", required = true,
			description = "a folder (searched recursively), a file, a glob, or a list of paths")
	String input;

	@Option(names = "--output", paramLabel = "OUT.csv|OUT.parquet", description = "write the rows here (default: CSV on stdout)")
	String output;

	@Option(names = "--format", paramLabel = "csv|parquet", description = "the output's format (default: parquet for a .parquet --output, else csv)")
	String format;

	@Option(names = "--overwrite", description = "replace an existing --output")
	boolean overwrite;

	@Option(names = "--part-per-partition", description = "one part file per partition instead of one in all")
	boolean partPerPartition;

	@Mixin JobOptions job;

	@Override
	public JobOptions job() {
		return job;
	}

	@Override
	public void precheck() throws UsageException, org.duodistill.model.TensorFileException {
		job.check();
		format(format, output);
		ModelStaging.precheck(model);
		InputListing.precheck(input);
	}

	@Override
	public int run(SparkSession spark, PrintStream out, PrintStream err) throws UsageException, IOException, DatasetException {
		long t0 = System.nanoTime();
		String format = format(this.format, output);
		JobSettings job = JobSettings.of(spark, this.job);
		if (output != null) OutputLocation.checkWritable(output, overwrite, spark.sparkContext().hadoopConfiguration());
		ModelStaging.Staged model = ModelStaging.stage(spark, this.model, job.device(), job.threads(), job.cut());
		List<InputFile> files = new InputListing(spark).unlabelled(input);
		if (files.isEmpty()) throw new IllegalArgumentException(input + ": no files to classify");

		JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
		LongAccumulator loads = sc.sc().longAccumulator("model loads");
		LongAccumulator loadNanos = sc.sc().longAccumulator("model load time (ns)");
		boolean text = format.equals("csv");
		List<String> classes = model.model().classes();
		JavaRDD<Row> rows = sc.parallelize(files, job.partitions(files.size()))
				.mapPartitions(new ClassifyPartition(model.shipped(), text, HadoopSettings.broadcast(sc), loads, loadNanos))
				.persist(StorageLevel.MEMORY_AND_DISK());
		try {
			// counting runs the inference once, in parallel, into the cache; writing then reads the cache in listing order
			long total = rows.count();
			JavaRDD<Row> unreadable = rows.filter(r -> UNREADABLE.equals(r.getString(r.size() - 2)));
			long skipped = unreadable.count();
			long predictions = total - skipped;
			// the reasons are in the output; the console gets the first few
			for (Row r : unreadable.take(20)) err.println("skipped " + r.getString(1) + ": " + r.getString(r.size() - 1));
			if (skipped > 20) err.println("... and " + (skipped - 20) + " more skipped file(s): rows with status " + UNREADABLE);
			if (predictions == 0) throw new IllegalArgumentException(input + ": no readable images (" + skipped + " file(s) skipped)");
			if (output == null) {
				out.println(header(classes));
				Iterator<String> it = CsvOutput.lines(rows);
				while (it.hasNext()) out.println(it.next());
			} else {
				boolean onePart = !partPerPartition;
				if (overwrite) OutputLocation.delete(output, spark.sparkContext().hadoopConfiguration());
				try {
					if (text) {
						CsvOutput.write(rows, header(classes), output, onePart, spark.sparkContext().hadoopConfiguration());
					} else {
						Dataset<Row> table = spark.createDataFrame(rows, schema(classes)).drop("_order");
						(onePart ? table.coalesce(1) : table).write().mode(SaveMode.ErrorIfExists).parquet(output);
					}
				} catch (Exception e) {
					// Spark's job failures are checked exceptions thrown from Scala; rethrown as they are
					OutputLocation.removeFailedOutput(spark.sparkContext(), output, spark.sparkContext().hadoopConfiguration());
					throw e;
				}
				out.println(String.format(Locale.ROOT, "%s: %d prediction(s)%s (%s, %d file(s) in %d partition(s), %.1f s; model loaded %d time(s), %.2f s)",
						output, predictions, skipped == 0 ? "" : ", " + skipped + " file(s) skipped", format, files.size(),
						rows.getNumPartitions(), (System.nanoTime() - t0) / 1e9, loads.value(), loadNanos.value() / 1e9));
			}
			return 0;
		} finally {
			rows.unpersist(false);
		}
	}

	static String format(String option, String output) throws UsageException {
		String f = option != null ? option.toLowerCase(Locale.ROOT) : output != null && output.toLowerCase(Locale.ROOT).endsWith(".parquet") ? "parquet" : "csv";
		if (!f.equals("csv") && !f.equals("parquet")) throw new UsageException("--format must be csv or parquet, got '" + option + "'");
		if (f.equals("parquet") && output == null) throw new UsageException("--format parquet needs --output");
		return f;
	}

	/** Parquet's columns: probabilities as 32-bit floats, the model's own numbers. */
	static StructType schema(List<String> classes) {
		DataType number = DataTypes.FloatType;
		List<StructField> f = new ArrayList<>();
		f.add(DataTypes.createStructField("_order", DataTypes.LongType, false));
		f.add(DataTypes.createStructField("file", DataTypes.StringType, false));
		f.add(DataTypes.createStructField("slice", DataTypes.IntegerType, true));
		f.add(DataTypes.createStructField("predicted", DataTypes.StringType, true));
		f.add(DataTypes.createStructField("confidence", number, true));
		for (String c : classes) f.add(DataTypes.createStructField("p_" + c, number, true));
		f.add(DataTypes.createStructField("status", DataTypes.StringType, false));
		f.add(DataTypes.createStructField("reason", DataTypes.StringType, true));
		return DataTypes.createStructType(f);
	}

	static String header(List<String> classes) {
		StringBuilder header = new StringBuilder("file,slice,predicted,confidence");
		for (String c : classes) header.append(',').append(Csv.field("p_" + c));
		return header.append(",status,reason").toString();
	}
}
