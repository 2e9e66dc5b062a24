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
