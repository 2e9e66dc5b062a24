package org.duodistill.select;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chooses which teacher elements along one axis a smaller student keeps. The result depends only
 * on the two lengths and the selector, never on tensor values, so every tensor that carries the
 * same channels (a residual stream, an embedding) gets the same subset.
 */
public interface ElementSelector {
	/** @return {@code studentLength} strictly increasing indices into [0, teacherLength) */
	int[] indices(int teacherLength, int studentLength);

	/** Canonical text form, e.g. {@code uniform(1)}, parsed back by {@link #parse}. */
	String describe();

	static ElementSelector uniform(int offset) {
		return new UniformSelector(offset);
	}

	static ElementSelector consecutive(int offset) {
		return new ConsecutiveSelector(offset);
	}

	static ElementSelector random(long seed) {
		return new RandomSelector(seed);
	}

	Pattern SYNTAX = Pattern.compile("(uniform|consecutive|random)\\s*\\(\\s*(-?\\d+)\\s*\\)");

	/** Parses {@code uniform(o)}, {@code consecutive(o)} or {@code random(seed)}. */
	static ElementSelector parse(String text) {
		Matcher m = SYNTAX.matcher(text.trim().toLowerCase(Locale.ROOT));
		if (!m.matches()) {
			throw new IllegalArgumentException("unknown selector '" + text + "'; use uniform(o), consecutive(o) or random(seed)");
		}
		long arg = Long.parseLong(m.group(2));
		switch (m.group(1)) {
			case "uniform": return uniform(Math.toIntExact(arg));
			case "consecutive": return consecutive(Math.toIntExact(arg));
			default: return random(arg);
		}
	}

	static void checkLengths(int teacherLength, int studentLength) {
		if (studentLength < 1 || studentLength > teacherLength) {
			throw new IllegalArgumentException("cannot select " + studentLength + " of " + teacherLength + " elements");
		}
	}
}
