package org.duodistill.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The ordered readers a dataset is read with: the first reader that claims a file reads it. */
public final class ImageReaders {
	private final List<ImageReader> readers;

	public ImageReaders(List<ImageReader> readers) {
		if (readers.isEmpty()) throw new IllegalArgumentException("no image readers");
		this.readers = List.copyOf(readers);
	}

	/** ImageJ 1's readers, the ones always present (command line and Fiji alike). */
	public static ImageReaders standard() {
		return new ImageReaders(List.of(new ImageJReader()));
	}

	public List<ImageReader> readers() {
		return readers;
	}

	public List<ImagePlane> read(Path file) throws ImageReadException {
		List<String> tried = new ArrayList<>();
		ImageReadException last = null;
		for (ImageReader r : readers) {
			if (!r.claims(file)) continue;
			try {
				List<ImagePlane> planes = r.read(file);
				if (planes.isEmpty()) throw new ImageReadException(file, "no image planes in file");
				return planes;
			} catch (ImageReadException e) {
				last = e;
				tried.add(r.name());
			}
		}
		if (last != null) throw last;
		throw new ImageReadException(file, "no reader claims this file");
	}
}
