package org.duodistill.model;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * libtorch 2.7.1's oneDNN kernels make training diverge to NaN on AMD Zen 5 processors (CPU family
 * 0x1A; seen on an EPYC under KVM), and its AVX-512 ATen kernels too. oneDNN: every ISA level from
 * AVX512_CORE up fails within a few steps; AVX2 and AVX2_VNNI fail depending on where the process's
 * memory lies (a dual-skd run on the CLI tests' images: 1 in 8 runs with address randomisation, 12
 * of 12 with it switched off, `setarch -R`), while AVX and SSE41 passed 12 of 12 and 2 of 2 with it
 * off. ATen: with oneDNN capped alone at AVX2_VNNI, 2 of 4 short runs still went to NaN; capping
 * ATen at AVX2 stopped that. Both read their cap from the process environment when they first run,
 * so on such a CPU {@code DNNL_MAX_CPU_ISA=AVX} and {@code ATEN_CPU_CAPABILITY=avx2} are set before
 * the engine loads, each unless the user chose a value. Java cannot change its own environment,
 * hence libc's setenv through JNA.
 */
final class CpuWorkarounds {
	static final String ISA_VARIABLE = "DNNL_MAX_CPU_ISA";
	static final String SAFE_ISA = "AVX";
	static final String ATEN_VARIABLE = "ATEN_CPU_CAPABILITY";
	static final String SAFE_ATEN = "avx2";
	private static String applied;

	private CpuWorkarounds() {}

	/** What was set, for the versions record; null when nothing was needed or done. */
	static String applied() {
		return applied == null || applied.isEmpty() ? null : applied;
	}

	interface LibC extends Library {
		int setenv(String name, String value, int overwrite);
	}

	static synchronized void apply() {
		if (applied != null || !isZen5(Path.of("/proc/cpuinfo"))) return;
		List<String> set = new java.util.ArrayList<>();
		try {
			LibC c = Native.load("c", LibC.class);
			if (System.getenv(ISA_VARIABLE) == null && System.getenv("ONEDNN_MAX_CPU_ISA") == null && c.setenv(ISA_VARIABLE, SAFE_ISA, 0) == 0) {
				set.add(ISA_VARIABLE + "=" + SAFE_ISA);
			}
			if (System.getenv(ATEN_VARIABLE) == null && c.setenv(ATEN_VARIABLE, SAFE_ATEN, 0) == 0) set.add(ATEN_VARIABLE + "=" + SAFE_ATEN);
		} catch (Throwable e) {
			System.err.println("DuoDistill: this AMD Zen 5 CPU needs " + ISA_VARIABLE + "=" + SAFE_ISA + " and " + ATEN_VARIABLE + "=" + SAFE_ATEN
					+ " in the environment (libtorch's AVX-512 kernels give NaN in training) and they could not be set here: " + e);
		}
		applied = String.join(" ", set);
	}

	/**
	 * The processor as /proc/cpuinfo names it, for model.json and for reports of training that went
	 * differently on another machine: vendor, family, model, name and whether it has AVX-512.
	 */
	static String describe(Path cpuinfo) {
		if (!Files.isReadable(cpuinfo)) return System.getProperty("os.arch");
		try {
			String vendor = "?", family = "?", model = "?", name = "?";
			boolean avx512 = false;
			for (String l : Files.readAllLines(cpuinfo)) {
				if (l.isBlank() && !"?".equals(family)) break;
				int colon = l.indexOf(':');
				if (colon < 0) continue;
				String key = l.substring(0, colon).trim(), value = l.substring(colon + 1).trim();
				switch (key) {
					case "vendor_id" -> vendor = value;
					case "cpu family" -> family = value;
					case "model" -> model = value;
					case "model name" -> name = value;
					case "flags" -> avx512 = (" " + value + " ").contains(" avx512f ");
					default -> { }
				}
			}
			return vendor + " family " + family + " model " + model + " (" + name + ")" + (avx512 ? ", AVX-512" : ", no AVX-512");
		} catch (Exception e) {
			return System.getProperty("os.arch");
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
