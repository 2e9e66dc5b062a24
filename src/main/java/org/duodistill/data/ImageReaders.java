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

	/**
	 * NIfTI and uncompressed DICOM through our own readers (NIfTI honours the slicing axis; DICOM
	 * applies the modality LUT, inverts MONOCHROME1, converts palette/YBR colour); then Bio-Formats
	 * when it can be loaded (always in Fiji), for every other file it claims, compressed DICOM
	 * included; then ImageJ 1's readers, which are always present. When every reader fails on a
	 * compressed DICOM file, the DICOM reader's reason (transfer syntax name and UID) is reported.
	 */
	public static ImageReaders standard() {
		return withBioFormatsFrom(ImageReaders.class.getClassLoader());
	}

	/** As {@link #standard()}, looking for Bio-Formats through the given class loader. */
	public static ImageReaders withBioFormatsFrom(ClassLoader loader) {
		List<ImageReader> list = new ArrayList<>();
		list.add(new NiftiReader());
		list.add(new DicomReader());
		BioFormatsReader bf = BioFormatsReader.find(loader);
		if (bf != null) list.add(bf);
		list.add(new ImageJReader());
		return new ImageReaders(list);
	}

	public List<ImageReader> readers() {
		return readers;
	}

	/** All planes with default options. */
	public List<ImagePlane> read(Path file) throws ImageReadException {
		return readData(file, ReadOptions.DEFAULT).planes();
	}

	/**
	 * The first reader that claims the file reads it; if it fails, later readers that claim it
	 * get their turn, and the first reader's reason is reported when all fail. The slice policy's
	 * step, central-N and empty-slice rules are applied here, for every reader alike.
	 */
	public ImageData readData(Path file, ReadOptions options) throws ImageReadException {
		ImageReadException first = null;
		for (ImageReader r : readers) {
			if (!r.claims(file)) continue;
			try {
				ImageData data = r.read(file, options);
				if (data.planes().isEmpty()) throw new ImageReadException(file, "no image planes in file");
				ImageData kept = data.keep(options.slices().select(data.planes()));
				if (kept.planes().isEmpty()) {
					throw new ImageReadException(file, "all " + data.planes().size() + " slices are almost empty (slice policy)");
				}
				return kept;
			} catch (ImageReadException e) {
				if (first == null) first = e;
			}
		}
		if (first != null) throw first;
		throw new ImageReadException(file, "no reader claims this file");
	}
}
