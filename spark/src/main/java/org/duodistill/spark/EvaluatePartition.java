package org.duodistill.spark;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.duodistill.data.ImageData;
import org.duodistill.infer.Classifier;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The probabilities of every plane of one partition's labelled files, prepared as {@code evaluate} prepares them. */
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
		PartitionFiles.visit(files, conf.value().value(), new PartitionFiles.Visitor() {
			@Override
			public void readable(InputFile f, java.nio.file.Path local) throws org.duodistill.data.ImageReadException {
				ImageData data = c.read(local);
				float[][] p = c.evaluationProbabilities(data.planes());
				for (int i = 0; i < p.length; i++) out.add(new EvaluatedPlane(f.order(), data.sliceNumbers().get(i), p[i], null));
			}

			@Override
			public void unreadable(InputFile f, String reason) {
				out.add(new EvaluatedPlane(f.order(), 0, null, reason));
			}
		});
		return out.iterator();
	}
}
