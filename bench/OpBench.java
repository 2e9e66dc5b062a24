import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import org.duodistill.model.Engines;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * libtorch 2.7.1 (through DJL 0.36) side of bench/op-speed.sh: microseconds per call of the single
 * operations of a resnet10-w32 training step at 64 px, batch 32, at the network's own shapes, forward
 * alone (gradients recorded, as in training) and forward + backward (gradient of ones), the same as
 * bench/torch_ops.py does in PyTorch.
 *
 * <pre>java -cp CP bench/OpBench.java SECONDS_PER_OP</pre>
 * prints {@code op,shape,fwd_us,fwdbwd_us} lines; {@code -Dcl=true}: activations channels-last.
 */
public class OpBench {
	public static void main(String[] args) {
		double seconds = Double.parseDouble(args[0]);
		Engines.configure(Integer.parseInt(System.getProperty("threads", "2")));
		Engines.noGradientsOnThisThread();
		try (NDManager m = Engines.engine().newBaseManager(Device.cpu())) {
			m.getEngine().setRandomSeed(1);
			List<Object[]> ops = new ArrayList<>();
			// conv1 sees the image, which needs no gradient
			NDArray img = m.randomNormal(new Shape(32, 1, 64, 64));
			NDArray w1 = grad(layout(m.randomNormal(new Shape(32, 1, 7, 7))));
			ops.add(new Object[] {"conv7x7s2", "32x1x64x64", (Function<NDArray, NDArray>) x -> conv(x, w1, 2, 3), img});
			int[][] convs = {{32, 32, 16, 1}, {32, 64, 16, 2}, {64, 64, 8, 1}, {64, 128, 8, 2}, {128, 128, 4, 1}, {128, 256, 4, 2}, {256, 256, 2, 1}};
			for (int[] c : convs) {
				NDArray w = grad(m.randomNormal(new Shape(c[1], c[0], 3, 3)));
				ops.add(new Object[] {"conv3x3s" + c[3], "32x" + c[0] + "x" + c[2] + "x" + c[2], (Function<NDArray, NDArray>) x -> conv(x, w, c[3], 1),
						grad(layout(m.randomNormal(new Shape(32, c[0], c[2], c[2]))))});
			}
			NDArray wd = grad(m.randomNormal(new Shape(64, 32, 1, 1)));
			ops.add(new Object[] {"conv1x1s2", "32x32x16x16", (Function<NDArray, NDArray>) x -> conv(x, wd, 2, 0), grad(layout(m.randomNormal(new Shape(32, 32, 16, 16))))});
			int[][] bns = {{32, 32}, {32, 16}, {64, 8}, {128, 4}, {256, 2}};
			for (int[] b : bns) {
				NDArray mean = m.zeros(new Shape(b[0])), var = m.ones(new Shape(b[0]));
				NDArray gamma = grad(m.ones(new Shape(b[0]))), beta = grad(m.zeros(new Shape(b[0])));
				ops.add(new Object[] {"batchnorm_train", "32x" + b[0] + "x" + b[1] + "x" + b[1],
						(Function<NDArray, NDArray>) x -> BatchNorm.batchNorm(x, mean, var, gamma, beta, 1, 0.9f, 1e-5f, true).singletonOrThrow(),
						grad(layout(m.randomNormal(new Shape(32, b[0], b[1], b[1]))))});
			}
			ops.add(new Object[] {"relu", "32x32x32x32", (Function<NDArray, NDArray>) Activation::relu, grad(layout(m.randomNormal(new Shape(32, 32, 32, 32))))});
			ops.add(new Object[] {"relu", "32x32x16x16", (Function<NDArray, NDArray>) Activation::relu, grad(layout(m.randomNormal(new Shape(32, 32, 16, 16))))});
			ops.add(new Object[] {"add", "32x32x16x16", (Function<NDArray, NDArray>) x -> x.add(x), grad(layout(m.randomNormal(new Shape(32, 32, 16, 16))))});
			ops.add(new Object[] {"max_pool3x3s2", "32x32x32x32",
					(Function<NDArray, NDArray>) x -> Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false),
					grad(layout(m.randomNormal(new Shape(32, 32, 32, 32))))});
			ops.add(new Object[] {"global_avg_pool", "32x256x2x2", (Function<NDArray, NDArray>) Pool::globalAvgPool2d, grad(layout(m.randomNormal(new Shape(32, 256, 2, 2))))});
			NDArray lw = grad(m.randomNormal(new Shape(3, 256))), lb = grad(m.zeros(new Shape(3)));
			ops.add(new Object[] {"linear", "32x256->3", (Function<NDArray, NDArray>) x -> Linear.linear(x, lw, lb).singletonOrThrow(),
					grad(layout(m.randomNormal(new Shape(32, 256))))});
			for (Object[] op : ops) {
				@SuppressWarnings("unchecked")
				Function<NDArray, NDArray> f = (Function<NDArray, NDArray>) op[2];
				NDArray x = (NDArray) op[3];
				double fwd = time(seconds, () -> {
					try (GradientCollector gc = Engines.engine().newGradientCollector()) {
						f.apply(x);
					}
				});
				double both = time(seconds, () -> {
					try (GradientCollector gc = Engines.engine().newGradientCollector()) {
						gc.backward(f.apply(x));
					}
				});
				System.out.printf(Locale.ROOT, "%s,%s,%.1f,%.1f%n", op[0], op[1], fwd, both);
			}
		}
	}

	/** With -Dcl=true, 4-D activations are laid out channels-last (as ResNetNetwork.channelsLast does). */
	private static final boolean CL = Boolean.getBoolean("cl");

	private static NDArray layout(NDArray x) {
		if (!CL || x.getShape().dimension() != 4) return x;
		Shape s = x.getShape();
		long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
		return x.transpose(0, 2, 3, 1).reshape(n * h * w, c).reshape(n, h, w, c).transpose(0, 3, 1, 2);
	}

	private static NDArray grad(NDArray a) {
		a.setRequiresGradient(true);
		return a;
	}

	private static NDArray conv(NDArray x, NDArray w, int stride, int pad) {
		return Conv2d.conv2d(x, w, null, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1).singletonOrThrow();
	}

	/** Median of 5 slices of the time budget, microseconds per call, after 10 warm-up calls. */
	private static double time(double seconds, Runnable r) {
		for (int i = 0; i < 10; i++) scoped(r);
		double[] slices = new double[5];
		for (int s = 0; s < 5; s++) {
			long t0 = System.nanoTime();
			int n = 0;
			while ((System.nanoTime() - t0) / 1e9 < seconds / 5 || n < 3) {
				scoped(r);
				n++;
			}
			slices[s] = (System.nanoTime() - t0) / 1e3 / n;
		}
		java.util.Arrays.sort(slices);
		return slices[2];
	}

	private static void scoped(Runnable r) {
		try (NDScope scope = new NDScope()) {
			r.run();
		}
	}
}
