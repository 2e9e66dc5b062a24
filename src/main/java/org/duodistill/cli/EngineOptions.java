package org.duodistill.cli;

import ai.djl.Device;
import org.duodistill.model.Engines;
import picocli.CommandLine.Option;

/** {@code --device} and {@code --threads}: where libtorch runs; the thread count must reach it before it first loads. */
public final class EngineOptions {
	@Option(names = "--device", paramLabel = "auto|cpu|gpu", defaultValue = "auto",
			description = "auto: a GPU when DJL finds a CUDA libtorch, else the CPU; gpu: an error when none is visible (default: ${DEFAULT-VALUE})")
	String device = "auto";

	@Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "libtorch intra-op threads (default: 0, libtorch's choice)")
	int threads;

	/** Configures the engine (once per JVM) and picks the device. */
	Device configure() throws UsageException {
		if (threads < 0) throw new UsageException("--threads must be >= 0");
		Engines.configure(threads);
		return Engines.device(device);
	}

	/** Only the thread count, for commands that choose the device later. */
	void configureThreads() throws UsageException {
		if (threads < 0) throw new UsageException("--threads must be >= 0");
		Engines.configure(threads);
	}
}
