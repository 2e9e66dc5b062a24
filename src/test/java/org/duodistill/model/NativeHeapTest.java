package org.duodistill.model;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeHeapTest {
	/** Minor page faults of this process so far (/proc/self/stat, field 10). */
	private static long minorFaults() throws Exception {
		String stat = Files.readString(Path.of("/proc/self/stat"));
		String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(f[7]);
	}

	@Test
	void blocksFreedBetweenStepsComeBackWithoutPageFaults() throws Exception {
		assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "Linux only");
		Engines.configure(1);
		assumeTrue(NativeHeap.applied() != null, "a C library with mallopt and no MALLOC_ variables set");
		// what a step does: blocks for activations and gradients of several sizes allocated, written,
		// freed; by default glibc returns the top of the heap to the kernel once it is larger than
		// twice the largest block freed so far, so every step writes to fresh pages again
		int[] sizes = {20 << 20, 20 << 20, 20 << 20, 4 << 20};
		long pages = 0;
		for (int size : sizes) pages += size / 4096;
		long[] faults = new long[6];
		for (int step = 0; step < faults.length; step++) {
			long before = minorFaults();
			long[] blocks = new long[sizes.length];
			for (int i = 0; i < sizes.length; i++) {
				blocks[i] = Native.malloc(sizes[i]);
				new Pointer(blocks[i]).setMemory(0, sizes[i], (byte) i);
			}
			for (long b : blocks) Native.free(b);
			faults[step] = minorFaults() - before;
		}
		for (int step = 2; step < faults.length; step++) {
			assertTrue(faults[step] < pages / 10, "step " + step + ": " + faults[step] + " page faults for " + pages + " pages written, "
					+ java.util.Arrays.toString(faults));
		}
		assertTrue(NativeHeap.applied().contains("trim_threshold"), NativeHeap.applied());
		assertNotNull(Engines.versions().get("native_heap"));
	}

	@Test
	void theUsersMallocSettingsStand() {
		assertTrue(NativeHeap.userChose(Map.of("MALLOC_ARENA_MAX", "2")));
		assertTrue(NativeHeap.userChose(Map.of("MALLOC_TRIM_THRESHOLD_", "0")));
		assertTrue(NativeHeap.userChose(Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")));
		assertFalse(NativeHeap.userChose(Map.of("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F", "PATH", "/usr/bin")));
	}
}
