import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.duodistill.model.Architectures;
import org.duodistill.model.BatchNormMode;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.WeightInit;
import org.duodistill.train.AdamW;
import org.duodistill.train.Ema;
import org.duodistill.train.TrainStep;
import org.duodistill.train.TrainingOptions;

import java.util.Locale;
import java.util.Random;

/**
 * DuoDistill's side of bench/speed.sh: images per second of the training step every method runs
 * ({@link TrainStep}: forward, CE (+ KD), backward, AdamW) and of inference, on a fixed random batch,
 * with the same shapes, threads and float32 as bench/torch_speed.py.
 *
 * <pre>java -cp CP bench/SpeedBench.java train|skd|infer ARCH SIZE BATCH SECONDS</pre>
 * prints {@code duodistill,KIND,ARCH,SIZE,BATCH,images_per_second,steps}; with {@code -Dprofile=FILE}
 * it writes libtorch's profile of {@code -DprofileSteps} (20) steps instead (a Chrome trace).
 */
public class SpeedBench {
	public static void main(String[] args) {
		String kind = args[0];
		String arch = args[1];
		int size = Integer.parseInt(args[2]);
		int batch = Integer.parseInt(args[3]);
		double seconds = Double.parseDouble(args[4]);
		Engines.configure(Integer.parseInt(System.getProperty("threads", "2")));
		Engines.noGradientsOnThisThread();
		ModelSpec spec = Architectures.parse(arch, 1, 3).withImageSize(size);
		TrainingOptions opt = TrainingOptions.defaults();
		Random rng = new Random(1);
		float[] data = new float[batch * size * size];
		for (int i = 0; i < data.length; i++) data[i] = (float) rng.nextGaussian();
		int[] y = new int[batch];
		for (int i = 0; i < batch; i++) y[i] = i % 3;
		try (NDManager m = Engines.engine().newBaseManager(Device.cpu());
				// inference runs as the Classifier runs it (BatchNorm folded into the convolutions)
				DeviceWeights a = kind.equals("infer") ? DeviceWeights.uploadForInference(spec, WeightInit.random(spec, 1), m, Device.cpu())
						: DeviceWeights.upload(spec, WeightInit.random(spec, 1), m, Device.cpu());
				DeviceWeights b = DeviceWeights.upload(spec, WeightInit.random(spec, 2), m, Device.cpu());
				AdamW adam = new AdamW(a, opt.weightDecay())) {
			if (!kind.equals("infer")) a.requireGradients(true);
			NDArray x = m.create(data, new Shape(batch, 1, size, size));
			Runnable step;
			if (kind.equals("train")) {
				step = () -> TrainStep.run(a, adam, x, y, null, 1e-4, opt);
			} else if (kind.equals("skd")) {
				step = () -> {
					NDArray t = b.spec().network().forward(b, x, BatchNormMode.BATCH_ONLY);
					TrainStep.run(a, adam, x, y, t, 1e-4, opt);
					Ema.update(b, a, 0.996, false);
				};
			} else {
				step = () -> a.spec().network().forward(a, x, false).softmax(1).toFloatArray();
			}
			for (int i = 0; i < 3; i++) run(step);
			String profile = System.getProperty("profile");
			if (profile != null) {
				// libtorch's own profiler over a few steps: every operation's time, for bench/compare_profiles.py
				for (int i = 0; i < 5; i++) run(step);
				ai.djl.pytorch.jni.JniUtils.startProfile(false, false, false);
				for (int i = 0; i < Integer.getInteger("profileSteps", 20); i++) run(step);
				ai.djl.pytorch.jni.JniUtils.stopProfile(profile);
				return;
			}
			long t0 = System.nanoTime();
			int steps = 0;
			while ((System.nanoTime() - t0) / 1e9 < seconds || steps < 3) {
				run(step);
				steps++;
			}
			double elapsed = (System.nanoTime() - t0) / 1e9;
			System.out.printf(Locale.ROOT, "duodistill,%s,%s,%d,%d,%.2f,%d%n", kind, arch, size, batch, steps * batch / elapsed, steps);
		}
	}

	private static void run(Runnable step) {
		try (NDScope scope = new NDScope()) {
			step.run();
		}
	}
}
