package org.duodistill.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Starts DJL's PyTorch engine offline (natives from the jar on the classpath, no downloads, no
 * tracking) and picks the device.
 */
public final class Engines {
	private static volatile boolean configured;

	private Engines() {}

	/** Must run before the engine first loads; later calls cannot change the thread count. */
	public static synchronized void configure(int threads) {
		if (!configured) {
			// DJL logs at DEBUG through whatever SLF4J provider is present (Logback, in Fiji or with Bio-Formats' jar)
			org.duodistill.data.QuietLogging.apply(Engines.class.getClassLoader());
			CpuWorkarounds.apply();
			NativeHeap.apply();
			System.setProperty("ai.djl.offline", "true");
			System.setProperty("OPT_OUT_TRACKING", "true");
			System.setProperty("ai.djl.default_engine", "PyTorch");
			if (threads > 0) {
				System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
				System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
			}
			configured = true;
		}
	}

	/**
	 * Gives the native heap's free memory back to the system after a job: the heap keeps what
	 * libtorch's tensors used between steps ({@link NativeHeap}), which a long-lived Fiji need not
	 * hold once training is over.
	 */
	public static void releaseNativeMemory() {
		NativeHeap.release();
	}

	/**
	 * PyTorch's autograd switch is per thread and on by default; DJL turns it off only on the thread
	 * that loads the engine. Training and inference run on other threads too (Fiji's command
	 * threads), where in-place updates of trainable tensors would fail and teacher forward passes
	 * would build graphs. Call before working with tensors on a thread; a GradientCollector turns
	 * it on for its own scope and restores this state when closed.
	 */
	public static void noGradientsOnThisThread() {
		engine();
		ai.djl.pytorch.jni.JniUtils.setGradMode(false);
	}

	/**
	 * DJL finds its engine and the native libraries through the thread's context class loader; in
	 * ImageJ 1 (and any Fiji whose loader differs) that is not the plugin class loader that holds
	 * DJL's jars, so the engine is looked up with ours as the context loader.
	 */
	public static Engine engine() {
		configure(0);
		Thread t = Thread.currentThread();
		ClassLoader previous = t.getContextClassLoader();
		t.setContextClassLoader(Engines.class.getClassLoader());
		try {
			return Engine.getEngine("PyTorch");
		} finally {
			t.setContextClassLoader(previous);
		}
	}

	/**
	 * @param choice {@code auto}, {@code cpu} or {@code gpu}
	 * @throws IllegalArgumentException for {@code gpu} when no GPU is visible, or an unknown choice
	 */
	public static Device device(String choice) {
		Engine e = engine();
		switch (choice == null ? "auto" : choice.toLowerCase(java.util.Locale.ROOT)) {
			case "auto":
				return e.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
			case "cpu":
				return Device.cpu();
			case "gpu":
				if (e.getGpuCount() == 0) {
					throw new IllegalArgumentException("--device gpu: DJL's PyTorch engine sees no GPU (CPU-only libtorch "
							+ e.getVersion() + "); use --device cpu or auto, or point PYTORCH_LIBRARY_PATH at a CUDA libtorch");
				}
				return Device.gpu();
			default:
				throw new IllegalArgumentException("unknown device '" + choice + "'; use auto, cpu or gpu");
		}
	}

	/** DuoDistill's, DJL's and libtorch's versions, as model.json records them. */
	public static com.google.gson.JsonObject versions() {
		com.google.gson.JsonObject o = new com.google.gson.JsonObject();
		String own = "unknown";
		try (java.io.InputStream in = Engines.class.getResourceAsStream("/org/duodistill/version.properties")) {
			if (in != null) {
				java.util.Properties p = new java.util.Properties();
				p.load(in);
				own = p.getProperty("version", own);
			}
		} catch (java.io.IOException e) {
			// the version is informative; a build without the file says "unknown"
		}
		o.addProperty("duodistill", own);
		o.addProperty("djl", Engine.getDjlVersion());
		o.addProperty("pytorch", engine().getVersion());
		o.addProperty("java", System.getProperty("java.version"));
		o.addProperty("cpu", CpuWorkarounds.describe(java.nio.file.Path.of("/proc/cpuinfo")));
		if (CpuWorkarounds.applied() != null) o.addProperty("cpu_workaround", CpuWorkarounds.applied());
		if (NativeHeap.applied() != null) o.addProperty("native_heap", NativeHeap.applied());
		return o;
	}
}
