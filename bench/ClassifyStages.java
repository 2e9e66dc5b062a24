import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.duodistill.data.Csv;
import org.duodistill.data.ImageData;
import org.duodistill.data.ImagePlane;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.ReadOptions;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.FolderClassification;
import org.duodistill.model.Engines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cost of each stage of classifying a folder, one thread, microseconds per image: decode (the
 * readers), resize, percentile scaling, normalisation, tensor upload, forward (batch 1 and batch B),
 * softmax and download, CSV formatting. Stages are timed one after another over the same files
 * (each stage over all files), after one warm-up pass.
 *
 * <pre>java -cp CP bench/ClassifyStages.java MODEL FOLDER [FILES=1000] [BATCH=32]</pre>
 */
public class ClassifyStages {
	public static void main(String[] args) throws Exception {
		Path model = Path.of(args[0]);
		int limit = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
		int batch = args.length > 3 ? Integer.parseInt(args[3]) : 32;
		Engines.configure(Integer.parseInt(System.getProperty("threads", "1")));
		Engines.noGradientsOnThisThread();
		List<Path> files = FolderClassification.files(Path.of(args[1]));
		files = files.subList(0, Math.min(limit, files.size()));
		int n = files.size();
		try (Classifier c = Classifier.open(model, ai.djl.Device.cpu())) {
			Preprocessing prep = c.model().preprocessing();
			int s = prep.size();
			ImageReaders readers = ImageReaders.standard();
			ReadOptions opts = ReadOptions.DEFAULT.withTargetSize(s);
			for (int round = 0; round < 2; round++) {
				boolean report = round == 1;
				long t0 = System.nanoTime();
				List<ImagePlane> planes = new ArrayList<>(n);
				for (Path f : files) planes.add(readers.readData(f, opts).planes().get(0));
				long t1 = System.nanoTime();
				List<float[]> scaled = new ArrayList<>(n);
				for (ImagePlane p : planes) scaled.add(Preprocessing.scaled(p, s, prep.lowPercentile(), prep.highPercentile()));
				long t2 = System.nanoTime();
				// the same scaling on planes already at the input size: percentiles and clipping without the resize
				List<ImagePlane> small = new ArrayList<>(n);
				for (float[] v : scaled) small.add(new ImagePlane(s, s, 1, v, 32));
				long t3 = System.nanoTime();
				for (ImagePlane p : small) Preprocessing.scaled(p, s, prep.lowPercentile(), prep.highPercentile());
				long t4 = System.nanoTime();
				List<float[]> inputs = new ArrayList<>(n);
				for (int i = 0; i < n; i++) inputs.add(prep.normalise(scaled.get(i), 1));
				long t5 = System.nanoTime();
				var w = weights(c);
				var net = c.model().spec().network();
				long upload = 0, forward1 = 0, soft1 = 0;
				for (float[] x : inputs) {
					try (NDScope scope = new NDScope()) {
						long a = System.nanoTime();
						NDArray t = w.manager().create(x, new Shape(1, 1, s, s));
						long b = System.nanoTime();
						NDArray z = net.forward(w, t, false);
						z.toFloatArray();
						long d = System.nanoTime();
						z.softmax(1).toFloatArray();
						long e = System.nanoTime();
						upload += b - a;
						forward1 += d - b;
						soft1 += e - d;
					}
				}
				long t6 = System.nanoTime();
				for (int start = 0; start + batch <= n; start += batch) {
					float[] data = new float[batch * s * s];
					for (int i = 0; i < batch; i++) System.arraycopy(inputs.get(start + i), 0, data, i * s * s, s * s);
					try (NDScope scope = new NDScope()) {
						net.forward(w, w.manager().create(data, new Shape(batch, 1, s, s)), false).softmax(1).toFloatArray();
					}
				}
				long t7 = System.nanoTime();
				StringBuilder csv = new StringBuilder();
				float[] p = {0.1f, 0.3f, 0.6f};
				for (Path f : files) {
					csv.append(Csv.field(f.toString())).append(",1,").append(Csv.field("coronal")).append(',').append(Csv.probability(p[2]));
					for (float v : p) csv.append(',').append(Csv.probability(v));
					csv.append('\n');
				}
				long t8 = System.nanoTime();
				if (report) {
					int batched = n / batch * batch;
					System.out.println("stage,us_per_image");
					row("decode (readers.readData)", t1 - t0, n);
					row("resize " + planes.get(0).width() + "->" + s, (t2 - t1) - (t4 - t3), n);
					row("percentile scaling", t4 - t3, n);
					row("normalise", t5 - t4, n);
					row("tensor upload, batch 1", upload, n);
					row("forward, batch 1", forward1, n);
					row("softmax + download, batch 1", soft1, n);
					row("upload+forward+softmax, batch " + batch, t7 - t6, batched);
					row("CSV row", t8 - t7, n);
				}
			}
		}
	}

	private static org.duodistill.model.DeviceWeights weights(Classifier c) throws Exception {
		var f = Classifier.class.getDeclaredField("weights");
		f.setAccessible(true);
		return (org.duodistill.model.DeviceWeights) f.get(c);
	}

	private static void row(String stage, long nanos, int n) {
		System.out.println(String.format(Locale.ROOT, "%s,%.1f", stage, nanos / 1e3 / n));
	}
}
