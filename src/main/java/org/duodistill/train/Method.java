package org.duodistill.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The training methods of METHOD.md: this method and its baselines, all run by the same trainer. */
public enum Method {
	/** A = WS uniform(0), B = WS uniform(1) as EMA auxiliary teacher; SKD, then fine-tune A. */
	DUAL_SKD("dual-skd"),
	/** A = WS uniform(0), plain cross-entropy. */
	SINGLE_WS("single-ws"),
	/** A = WS uniform(0), B = copy of A; SKD + fine-tune (isolates the dual initialisation). */
	WS_EMA("ws-ema"),
	/** Random init, cross-entropy. */
	RANDOM("random"),
	/** A = WS uniform(0), cross-entropy + KD from the large teacher. */
	KD("kd"),
	/** The large teacher itself, cross-entropy (upper reference). */
	TEACHER("teacher");

	private final String id;

	Method(String id) {
		this.id = id;
	}

	public String id() {
		return id;
	}

	public boolean usesWeightSelection() {
		return this == DUAL_SKD || this == SINGLE_WS || this == WS_EMA || this == KD;
	}

	public boolean usesEmaTeacher() {
		return this == DUAL_SKD || this == WS_EMA;
	}

	public static Method parse(String s) {
		for (Method m : values()) if (m.id.equals(s.trim().toLowerCase(Locale.ROOT))) return m;
		throw new IllegalArgumentException("unknown method '" + s + "'; use one of "
				+ Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", ")));
	}
}
