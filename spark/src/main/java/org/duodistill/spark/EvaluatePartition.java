package org.duodistill.spark;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.Prediction;
import org.duodistill.infer.PredictionBatches;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The probabilities of every plane of one partition's labelled files, prepared as {@code evaluate}
 * prepares them, batched across files (the evaluation sorts the planes by file and slice afterwards).
 */
final class EvaluatePartition implements FlatMapFunction<Iterator<InputFile>, EvaluatedPlane> {
	private static final long serialVersionUID = 1L;

	private final ShippedModel model;
	private final Broadcast<SerializableConfiguration> conf;
	private final LongAccumulator loads;
	private final LongAccumulator loadNanos;

	EvaluatePartition(ShippedModel model, Broadcast<SerializableConfiguration> conf, LongAccumulator loads, LongAccumulator loadNanos) {
		this.model = model;
		this.conf = conf;
		this.loads = loads;
		this.loadNanos = loadNanos;
	}

	@Override
	public Iterator<EvaluatedPlane> call(Iterator<InputFile> files) throws Exception {
		if (!files.hasNext()) return List.<EvaluatedPlane>of().iterator();
		Classifier c = ExecutorModels.classifier(model, loads, loadNanos);
		List<EvaluatedPlane> out = new ArrayList<>();
		PredictionBatches<InputFile> batches = new PredictionBatches<>(c, PredictionBatches.DEFAULT_BATCH, (f, file, predictions) -> {
			for (Prediction p : predictions) out.add(new EvaluatedPlane(f.order(), p.slice(), p.probabilities(), null));
		});
		PartitionFiles.visit(files, conf.value().value(), new PartitionFiles.Visitor() {
			@Override
			public void readable(InputFile f, java.nio.file.Path local) throws org.duodistill.data.ImageReadException {
				ClassifyPartition.add(batches, f, c.prepareForEvaluation(f.file(), local));
			}

			@Override
			public void unreadable(InputFile f, String reason) {
				out.add(new EvaluatedPlane(f.order(), 0, null, reason));
			}
		});
		try {
			batches.finish();
		} catch (Exception e) {
			throw new PartitionFiles.TaskFailure(e);
		}
		return out.iterator();
	}
}
