package org.duodistill.data;

import java.nio.file.Path;

/**
 * One line of the import report: a file, whether it was used or skipped and why (for a skipped
 * file, what each reader that tried it said), the reader that read it, what it is (format,
 * dimensions, bit depth) and how many samples were taken from it.
 */
public record ImportRecord(Path file, String label, Split split, boolean used, String reason, String reader, String format,
		int width, int height, int depth, int bitDepth, int samples) {

	public static ImportRecord used(Path file, String label, Split split, ImageData d) {
		return new ImportRecord(file, label, split, true, "", d.reader(), d.format(), d.width(), d.height(), d.depth(), d.bitDepth(),
				d.planes().size());
	}

	public static ImportRecord skipped(Path file, String label, Split split, String reason) {
		return new ImportRecord(file, label, split, false, reason, "", "", 0, 0, 0, 0, 0);
	}

	/** The same record in another split. */
	public ImportRecord inSplit(Split s) {
		return new ImportRecord(file, label, s, used, reason, reader, format, width, height, depth, bitDepth, samples);
	}

	public String status() {
		return used ? "used" : "skipped";
	}

	public static String csvHeader() {
		return "file,class,split,status,reason,reader,format,width,height,depth,bit_depth,samples";
	}

	public String csvRow() {
		return Csv.row(file, label == null ? "" : label, split == null ? "" : split.label(), status(), reason, reader, format,
				width, height, depth, bitDepth, samples);
	}
}
