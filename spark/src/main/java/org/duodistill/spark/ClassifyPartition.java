package org.duodistill.spark;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.duodistill.data.Csv;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.Prediction;
import org.duodistill.infer.PredictionBatches;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Classifies the files of one partition with the executor's copy of the model: one row per image or
 * slice ({@code _order, file, slice, predicted, confidence, p_<class>..., status, reason}), one row
 * with status {@code unreadable} and the reason for a file that cannot be read. Probabilities are
 * floats, or (CSV) text with six decimals exactly as {@code classify} writes them. Planes are
 * batched across the partition's files: each probability equals classify's within 1e-6.
 */
final class ClassifyPartition implements FlatMapFunction<Iterator<InputFile>, Row> {
	private static final long serialVersionUID = 1L;

	private final ShippedModel model;
	private final boolean text;
	private final Broadcast<SerializableConfiguration> conf;
	private final LongAccumulator loads;
	private final LongAccumulator loadNanos;

	ClassifyPartition(ShippedModel model, boolean text, Broadcast<SerializableConfiguration> conf, LongAccumulator loads, LongAccumulator loadNanos) {
		this.model = model;
		this.text = text;
		this.conf = conf;
		this.loads = loads;
		this.loadNanos = loadNanos;
	}

	/** A file of the partition, with the reason it could not be read (null: read). */
	private record Item(InputFile file, String reason) {}

	@Override
	public Iterator<Row> call(Iterator<InputFile> files) throws Exception {
		if (!files.hasNext()) return List.<Row>of().iterator();
		Classifier c = ExecutorModels.classifier(model, loads, loadNanos);
		int k = c.classNames().size();
		List<Row> rows = new ArrayList<>();
		// planes batched across the partition's files, rows in the partition's order, unreadable files included
		PredictionBatches<Item> batches = new PredictionBatches<>(c, PredictionBatches.DEFAULT_BATCH, (item, file, predictions) -> {
			InputFile f = item.file();
			if (item.reason() != null) {
				Object[] v = new Object[k + 7];
				v[0] = f.order();
				v[1] = f.file();
				v[5 + k] = SparkClassify.UNREADABLE;
				v[6 + k] = item.reason();
				rows.add(RowFactory.create(v));
				return;
			}
			for (Prediction p : predictions) {
				Object[] v = new Object[k + 7];
				v[0] = f.order();
				v[1] = f.file();
				v[2] = p.slice();
				v[3] = p.predictedClass();
				v[4] = number(p.confidence());
				for (int i = 0; i < k; i++) v[5 + i] = number(p.probabilities()[i]);
				v[5 + k] = SparkClassify.OK;
				v[6 + k] = null;
				rows.add(RowFactory.create(v));
			}
		});
		PartitionFiles.visit(files, conf.value().value(), new PartitionFiles.Visitor() {
			@Override
			public void readable(InputFile f, java.nio.file.Path local) throws org.duodistill.data.ImageReadException {
				add(batches, new Item(f, null), c.prepare(f.file(), local));
			}

			@Override
			public void unreadable(InputFile f, String reason) {
				add(batches, new Item(f, reason), new Classifier.PreparedFile(f.file(), List.of(), List.of()));
			}
		});
		try {
			batches.finish();
		} catch (Exception e) {
			throw new PartitionFiles.TaskFailure(e);
		}
		return rows.iterator();
	}

	/** A failure here is the network's, not the file's: it fails the task. */
	static <K> void add(PredictionBatches<K> batches, K key, Classifier.PreparedFile file) {
		try {
			batches.add(key, file);
		} catch (Exception e) {
			throw new PartitionFiles.TaskFailure(e);
		}
	}

	private Object number(float v) {
		return text ? Csv.probability(v) : (Object) v;
	}
}
