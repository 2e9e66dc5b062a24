package org.duodistill.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of this process (Linux /proc), to watch native memory across epochs. */
public final class ResidentMemory {
	private ResidentMemory() {}

	/** @return bytes, or -1 where /proc is not available */
	public static long bytes() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		} catch (IOException | RuntimeException e) {
			return -1;
		}
		return -1;
	}
}
