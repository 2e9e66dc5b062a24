package org.duodistill.data;

import java.nio.file.Path;

/**
 * Reads image files into planes. Implementations: ImageJ 1's own readers now; a Bio-Formats
 * adapter (found by reflection in Fiji) plugs in ahead of it.
 */
public interface ImageReader {
	String name();

	/** Cheap check (extension, magic bytes) whether this reader should try the file. */
	boolean claims(Path file);

	/**
	 * The file's planes: one for a 2-D image, one per slice/frame for stacks, one per slice along
	 * {@code options.slices().axis()} for volumes. Step, central-N and empty-slice selection are
	 * applied afterwards by {@link ImageReaders}, for every reader alike.
	 */
	ImageData read(Path file, ReadOptions options) throws ImageReadException;
}
