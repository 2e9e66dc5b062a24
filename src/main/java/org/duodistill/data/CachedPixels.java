package org.duodistill.data;

/** A sample's decoded, resized pixels: in memory, or in the dataset's disk cache. */
public interface CachedPixels {
	float[] get();

	static CachedPixels inMemory(float[] values) {
		return () -> values;
	}
}
