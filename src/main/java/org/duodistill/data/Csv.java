package org.duodistill.data;

import java.util.ArrayList;
import java.util.List;

/** Minimal RFC 4180 CSV: quoted fields with doubled quotes, no embedded newlines. */
public final class Csv {
	private Csv() {}

	public static List<String> parseLine(String line) {
		List<String> out = new ArrayList<>();
		StringBuilder cur = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (quoted) {
				if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
					cur.append('"');
					i++;
				} else if (c == '"') {
					quoted = false;
				} else {
					cur.append(c);
				}
			} else if (c == '"') {
				quoted = true;
			} else if (c == ',') {
				out.add(cur.toString());
				cur.setLength(0);
			} else {
				cur.append(c);
			}
		}
		out.add(cur.toString());
		return out;
	}

	/** A CSV line that holds data: its number in the file (from 1), its text and its fields. */
	public record Line(int number, String text, List<String> fields) {}

	/**
	 * The data lines of a CSV, blank lines and {@code #} comments left out. Excel's "CSV UTF-8" starts
	 * with a byte-order mark, which Java's decoder keeps; it is removed.
	 */
	public static List<Line> lines(java.io.BufferedReader r) throws java.io.IOException {
		List<Line> out = new ArrayList<>();
		String line;
		int number = 0;
		while ((line = r.readLine()) != null) {
			number++;
			if (number == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
			if (line.isBlank() || line.startsWith("#")) continue;
			out.add(new Line(number, line, parseLine(line)));
		}
		return out;
	}

	/** A probability or confidence as {@code classify} writes it: six decimals. */
	public static String probability(float v) {
		return String.format(java.util.Locale.ROOT, "%.6f", v);
	}

	/** A measurement to 6 significant digits; NaN (undefined) as an empty field. */
	public static String number(double v) {
		return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.6g", v);
	}

	public static String field(String s) {
		if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0) return '"' + s.replace("\"", "\"\"") + '"';
		return s;
	}

	public static String row(Object... fields) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < fields.length; i++) {
			if (i > 0) b.append(',');
			b.append(field(String.valueOf(fields[i])));
		}
		return b.toString();
	}
}
