import ai.djl.Device;
import org.duodistill.cli.Main;
import org.duodistill.data.ImageData;
import org.duodistill.data.ImageReaders;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.Explanation;
import org.duodistill.infer.ExplanationMethod;
import org.duodistill.infer.ShapeImages;
import org.duodistill.infer.Spearman;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.SavedModel;
import org.duodistill.model.WeightInit;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which explanation method localises, per architecture family: on bar images (ShapeImages: the
 * bar's orientation decides the class, its place is random), a model trained from random init, then
 * for every method and every correctly classified test image whether the map's peak falls on the
 * bar (within 1 px), the share of the map's mass on the bar, the same peak test with random weights
 * and the Spearman rank correlation between the trained and the random-weight maps (Adebayo et al.
 * 2018). One CSV line per architecture and method on stdout.
 *
 * Usage: java -cp target/classes:target/test-classes:DEPS bench/ExplainBench.java WORK_DIR SIZE ARCH[:EPOCHS[:LR]]...
 */
public class ExplainBench {
	public static void main(String[] args) throws Exception {
		Path dir = Path.of(args[0]);
		int size = Integer.parseInt(args[1]);
		if (!Files.exists(dir.resolve("data"))) ShapeImages.write(dir.resolve("data"), 300, size, 1);
		List<ShapeImages.Shape> test = ShapeImages.write(dir.resolve("test"), 30, size, 2);
		System.out.println("arch,size,method,accuracy,localised,mass_on_bar,bar_area,localised_random_weights,spearman_random_weights,ms_per_map");
		for (int a = 2; a < args.length; a++) {
			String[] spec = args[a].split(":");
			String arch = spec[0];
			Path model = dir.resolve("model-" + arch + "-" + size);
			if (!Files.exists(model)) {
				int code = Main.run(new String[] {"train", "--data", dir.resolve("data").toString(), "--output", model.toString(), "--method", "random",
						"--student-arch", arch, "--size", "" + size, "--epochs", spec.length > 1 ? spec[1] : "20", "--lr", spec.length > 2 ? spec[2] : "1e-3",
						"--batch", "16", "--threads", "2", "--seed", "1", "--calibrate", "none"}, new PrintStream(OutputStream.nullOutputStream()), System.err);
				if (code != 0) throw new IllegalStateException("training " + arch + " failed");
			}
			SavedModel trained = ModelFolder.read(model);
			SavedModel random = new SavedModel(trained.spec(), WeightInit.random(trained.spec(), 99), trained.classes(), trained.preprocessing(),
					trained.provenance());
			for (ExplanationMethod m : ExplanationMethod.values()) {
				int correct = 0, hit = 0, hitRandom = 0;
				double rho = 0, mass = 0, area = 0;
				long nanos = 0;
				try (Classifier c = new Classifier(trained, Device.cpu(), ImageReaders.standard());
						Classifier cr = new Classifier(random, Device.cpu(), ImageReaders.standard())) {
					for (ShapeImages.Shape s : test) {
						ImageData d = c.read(s.file());
						long t0 = System.nanoTime();
						Explanation e = c.explain(s.file().toString(), d, null, m).get(0);
						nanos += System.nanoTime() - t0;
						Explanation er = cr.explain(s.file().toString(), d, e.explainedClass(), m).get(0);
						rho += Spearman.rho(e.map(), er.map());
						if (!e.predictedClass().equals(s.label())) continue;
						correct++;
						if (s.contains(e.peakX(), e.peakY(), 1)) hit++;
						if (s.contains(er.peakX(), er.peakY(), 1)) hitRandom++;
						double in = 0, all = 0;
						int inPx = 0;
						for (int y = 0; y < e.height(); y++) {
							for (int x = 0; x < e.width(); x++) {
								float v = e.map()[y * e.width() + x];
								all += v;
								if (s.contains(x, y, 1)) {
									in += v;
									inPx++;
								}
							}
						}
						mass += all > 0 ? in / all : 0;
						area += inPx / (double) e.map().length;
					}
				}
				System.out.printf(java.util.Locale.ROOT, "%s,%d,%s,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.1f%n", arch, size, m.cliName(), correct / (double) test.size(),
						hit / (double) correct, mass / correct, area / correct, hitRandom / (double) correct, rho / test.size(), nanos / 1e6 / test.size());
			}
		}
	}
}
