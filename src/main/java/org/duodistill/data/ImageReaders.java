package org.duodistill.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The ordered readers a dataset is read with: the first reader that claims a file and reads it wins. */
public final class ImageReaders {
	private final List<ImageReader> readers;

	public ImageReaders(List<ImageReader> readers) {
		if (readers.isEmpty()) throw new IllegalArgumentException("no image readers");
		this.readers = List.copyOf(readers);
	}

	/**
	 * NIfTI and uncompressed or RLE DICOM through our own readers (NIfTI honours the slicing axis;
	 * DICOM applies the modality LUT, inverts MONOCHROME1, converts palette/YBR colour); then
	 * Bio-Formats when it can be loaded (always in Fiji), for every other file it claims, compressed
	 * DICOM included; then ImageJ 1's readers, which are always present.
	 */
	public static ImageReaders standard() {
		return withBioFormatsFrom(ImageReaders.class.getClassLoader());
	}

	/** As {@link #standard()}, looking for Bio-Formats through the given class loader. */
	public static ImageReaders withBioFormatsFrom(ClassLoader loader) {
		BioFormatsReader bf = BioFormatsReader.find(loader);
		List<ImageReader> list = new ArrayList<>();
		list.add(new NiftiReader());
		list.add(new DicomReader(bf != null));
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
	 * Every reader that claims the file tries it in turn until one reads it; any failure inside a
	 * reader (a reason, or an unexpected exception in a decoder) passes the file on to the next.
	 * When all fail, the reason says what each one said; a reader that finds the file itself damaged
	 * (see {@link ImageReadException#damaged}) ends the search. The slice policy's step, central-N and
	 * empty-slice rules are applied here to each stack of the file, for every reader alike; the
	 * result names the reader that read it.
	 */
	public ImageData readData(Path file, ReadOptions options) throws ImageReadException {
		List<String> said = new ArrayList<>();
		ImageReadException only = null;
		for (ImageReader r : readers) {
			try {
				if (!r.claims(file)) continue;
				ImageData data = r.read(file, options);
				if (data.planes().isEmpty()) throw new ImageReadException(file, "no image planes in file");
				ImageData kept = data.keep(select(data, options.slices()));
				if (kept.planes().isEmpty()) {
					throw new ImageReadException(file, "all " + data.planes().size() + " slices are almost empty (slice policy)");
				}
				return kept.readBy(r.name());
			} catch (ImageReadException e) {
				only = said.isEmpty() ? e : null;
				said.add(r.name() + ": " + e.reason());
				if (e.damaged()) break;
			} catch (RuntimeException | LinkageError | OutOfMemoryError | StackOverflowError e) {
				only = null;
				said.add(r.name() + ": decoder failed (" + e + ")");
			}
		}
		if (said.isEmpty()) throw new ImageReadException(file, "no reader claims this file");
		if (said.size() == 1 && only != null) throw only;
		throw new ImageReadException(file, String.join("; ", said));
	}

	private static List<Integer> select(ImageData data, SlicePolicy policy) {
		List<Integer> keep = new ArrayList<>();
		int offset = 0;
		for (int size : data.stacks()) {
			for (int i : policy.select(data.planes().subList(offset, offset + size))) keep.add(offset + i);
			offset += size;
		}
		return keep;
	}
}
