package org.duodistill.model;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * libtorch 2.7.1's oneDNN (DNNL) AVX-512 kernels make training diverge to NaN within a few steps on
 * AMD Zen 5 processors (CPU family 0x1A; seen here on an EPYC under KVM, every ISA level from
 * AVX512_CORE up fails, AVX2 and AVX2_VNNI train normally). oneDNN reads {@code DNNL_MAX_CPU_ISA}
 * from the process environment when it first runs, so on such a CPU it is set to AVX2 before the
 * engine loads, unless the user chose a value. Java cannot change its own environment, hence libc's
 * setenv through JNA.
 */
final class CpuWorkarounds {
	static final String ISA_VARIABLE = "DNNL_MAX_CPU_ISA";
	static final String SAFE_ISA = "AVX2_VNNI";
	private static String applied;

	private CpuWorkarounds() {}

	/** What was set, for the versions record; null when nothing was needed. */
	static String applied() {
		return applied;
	}

	interface LibC extends Library {
		int setenv(String name, String value, int overwrite);
	}

	static synchronized void apply() {
		if (applied != null || System.getenv(ISA_VARIABLE) != null || System.getenv("ONEDNN_MAX_CPU_ISA") != null) return;
		if (!isZen5(Path.of("/proc/cpuinfo"))) return;
		try {
			LibC c = Native.load("c", LibC.class);
			if (c.setenv(ISA_VARIABLE, SAFE_ISA, 0) == 0) applied = ISA_VARIABLE + "=" + SAFE_ISA;
		} catch (Throwable e) {
			System.err.println("DuoDistill: this AMD Zen 5 CPU needs " + ISA_VARIABLE + "=AVX2 in the environment (libtorch's AVX-512 kernels give"
					+ " NaN in training) and it could not be set here: " + e);
		}
	}

	/** Linux only (elsewhere there is no /proc/cpuinfo, and no report of the problem). */
	static boolean isZen5(Path cpuinfo) {
		if (!Files.isReadable(cpuinfo)) return false;
		try {
			List<String> lines = Files.readAllLines(cpuinfo);
			boolean amd = false;
			int family = -1;
			for (String l : lines) {
				if (l.startsWith("vendor_id")) amd = l.contains("AuthenticAMD");
				if (l.startsWith("cpu family")) family = Integer.parseInt(l.substring(l.indexOf(':') + 1).trim());
				if (l.isBlank() && family >= 0) break; // the first processor says it for all
			}
			return amd && family == 0x1A;
		} catch (Exception e) {
			return false;
		}
	}
}
