package org.duodistill.data;

/**
 * How files are read: which planes of stacks and volumes to take, and the size the planes will be
 * resized to, so that readers able to do so can decode huge images at reduced resolution.
 */
public record ReadOptions(SlicePolicy slices, int targetSize) {
	public static final ReadOptions DEFAULT = new ReadOptions(SlicePolicy.ALL, 0);

	public ReadOptions withTargetSize(int size) {
		return new ReadOptions(slices, size);
	}
}
