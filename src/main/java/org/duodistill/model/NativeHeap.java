package org.duodistill.model;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * glibc's malloc settings for libtorch's tensors. By default glibc hands large blocks back to the
 * kernel as soon as they are freed (blocks above its mmap threshold, and the top of an arena above
 * twice that), and the tensors libtorch allocates on our Java threads live in per-thread arenas
 * that it trims eagerly: each training step's activations and gradients then come back as fresh
 * pages, each one a page fault, cleared by the kernel. Whether glibc's adaptive thresholds settle
 * depends on the order blocks happen to be freed in: a resnet10-w32 training step at 64 px made
 * about 3,700 page faults in some runs (0.65x PyTorch's speed) and none in others. With blocks kept
 * in the heap no step makes page faults once the first ones have run, in every run (0.89x;
 * docs/benchmarks.md). The memory kept is what the largest step used, which the process needs
 * again at the next step; {@link #release} gives it back after a job.
 *
 * <p>Linux with glibc only (elsewhere nothing is changed), and not when the user set malloc's
 * variables or tunables, or {@code -Dduodistill.malloc=glibc} (glibc's own settings, as before).
 */
final class NativeHeap {
	private static final int M_TRIM_THRESHOLD = -1;
	private static final int M_TOP_PAD = -2;
	private static final int M_MMAP_THRESHOLD = -3;
	/** glibc's largest mmap threshold on 64-bit systems (HEAP_MAX_SIZE / 2): larger values are refused. */
	static final int MMAP_THRESHOLD = 32 << 20;
	static final int TRIM_THRESHOLD = Integer.MAX_VALUE;
	static final int TOP_PAD = 64 << 20;
	static final String PROPERTY = "duodistill.malloc";
	private static String applied;

	private NativeHeap() {}

	interface LibC extends Library {
		int mallopt(int param, int value);

		int malloc_trim(long pad);
	}

	/** What was set, for the versions record; null when nothing was. */
	static String applied() {
		return applied == null || applied.isEmpty() ? null : applied;
	}

	static synchronized void apply() {
		if (applied != null) return;
		applied = "";
		if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux") || userChose(System.getenv())
				|| "glibc".equals(System.getProperty(PROPERTY))) {
			return;
		}
		try {
			LibC c = Native.load("c", LibC.class);
			List<String> set = new ArrayList<>();
			// mallopt returns 1 on success; musl and other C libraries without it throw, caught below
			if (c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1) set.add("mmap_threshold=" + MMAP_THRESHOLD);
			if (c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1) set.add("trim_threshold=" + TRIM_THRESHOLD);
			if (c.mallopt(M_TOP_PAD, TOP_PAD) == 1) set.add("top_pad=" + TOP_PAD);
			applied = set.isEmpty() ? "" : "malloc " + String.join(" ", set);
		} catch (Throwable e) {
			applied = "";
		}
	}

	/** True when the environment already says how malloc should behave: the user's choice stands. */
	static boolean userChose(Map<String, String> env) {
		if (env.containsKey("GLIBC_TUNABLES") && env.get("GLIBC_TUNABLES").contains("glibc.malloc.")) return true;
		for (String k : env.keySet()) {
			if (k.startsWith("MALLOC_")) return true;
		}
		return false;
	}

	/** Hands the heap's free memory back to the kernel, after a job (training, a folder) is done. */
	static void release() {
		if (applied() == null) return;
		try {
			Native.load("c", LibC.class).malloc_trim(0);
		} catch (Throwable e) {
			// nothing to give back where there is no malloc_trim
		}
	}
}
