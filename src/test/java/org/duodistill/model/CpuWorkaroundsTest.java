package org.duodistill.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Only AMD's family 0x1A (Zen 5) gets oneDNN capped; Intel and earlier AMD keep their AVX-512 kernels. */
class CpuWorkaroundsTest {
	@TempDir
	Path dir;

	private Path cpuinfo(String vendor, int family) throws Exception {
		Path f = dir.resolve(vendor + family);
		String one = "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: " + family + "\nmodel\t\t: 2\nflags\t\t: fpu avx512f\n\n";
		Files.writeString(f, one + one.replace("processor\t: 0", "processor\t: 1"));
		return f;
	}

	@Test
	void zen5IsRecognisedAndOthersAreNot() throws Exception {
		assertTrue(CpuWorkarounds.isZen5(cpuinfo("AuthenticAMD", 26)));
		assertFalse(CpuWorkarounds.isZen5(cpuinfo("AuthenticAMD", 25)), "Zen 3/4");
		assertFalse(CpuWorkarounds.isZen5(cpuinfo("GenuineIntel", 6)));
		assertFalse(CpuWorkarounds.isZen5(dir.resolve("absent")), "no /proc (Windows, macOS)");
	}

	@Test
	void theProcessorIsDescribedForReports() throws Exception {
		Path f = dir.resolve("named");
		Files.writeString(f, "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\nmodel name\t: Intel(R) Xeon(R)\n"
				+ "flags\t\t: fpu avx2 avx512f avx512bw\n\nprocessor\t: 1\nvendor_id\t: Other\n");
		assertEquals("GenuineIntel family 6 model 143 (Intel(R) Xeon(R)), AVX-512", CpuWorkarounds.describe(f));
		assertTrue(CpuWorkarounds.describe(cpuinfo("AuthenticAMD", 25)).startsWith("AuthenticAMD family 25 model 2"));
	}

	/** On this machine: when the CPU is a Zen 5, the variable oneDNN reads is set before the engine loads. */
	@Test
	void theEngineStartsWithTheCapOnAZen5() {
		Engines.engine();
		boolean zen5 = CpuWorkarounds.isZen5(Path.of("/proc/cpuinfo"));
		if (!zen5) {
			assertEquals(null, CpuWorkarounds.applied(), "nothing is changed on other CPUs");
		} else if (System.getenv(CpuWorkarounds.ISA_VARIABLE) == null && System.getenv(CpuWorkarounds.ATEN_VARIABLE) == null) {
			assertEquals(CpuWorkarounds.ISA_VARIABLE + "=" + CpuWorkarounds.SAFE_ISA + " " + CpuWorkarounds.ATEN_VARIABLE + "="
					+ CpuWorkarounds.SAFE_ATEN, CpuWorkarounds.applied());
		}
	}
}
