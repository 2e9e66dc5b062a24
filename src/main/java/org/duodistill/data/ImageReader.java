package org.duodistill.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads image files into planes. Implementations: ImageJ 1's own readers now; a Bio-Formats
 * adapter (found by reflection in Fiji) plugs in ahead of it.
 */
public interface ImageReader {
	String name();

	/** Cheap check (extension, magic bytes) whether this reader should try the file. */
	boolean claims(Path file);

	/** Every plane of the file: one for a 2-D image, one per slice/frame for stacks. */
	List<ImagePlane> read(Path file) throws ImageReadException;
}
