package org.duodistill.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options and {@code --flag} switches, checked against what a command accepts (the command line and the Spark job). */
public final class Args {
	private final Map<String, String> values = new LinkedHashMap<>();

	public Args(String[] argv, int from, Set<String> options, Set<String> flags) throws UsageException {
		for (int i = from; i < argv.length; i++) {
			String a = argv[i];
			if (!a.startsWith("--")) throw new UsageException("unexpected argument '" + a + "'");
			String name = a.substring(2);
			String value = null;
			int eq = name.indexOf('=');
			if (eq >= 0) {
				value = name.substring(eq + 1);
				name = name.substring(0, eq);
			}
			if (flags.contains(name)) {
				values.put(name, value == null ? "true" : value);
			} else if (options.contains(name)) {
				if (value == null) {
					if (i + 1 >= argv.length) throw new UsageException("--" + name + " needs a value");
					value = argv[++i];
				}
				values.put(name, value);
			} else {
				throw new UsageException("unknown option --" + name + " (accepted: --" + String.join(", --", union(options, flags)) + ")");
			}
		}
	}

	private static java.util.List<String> union(Set<String> a, Set<String> b) {
		java.util.List<String> l = new java.util.ArrayList<>(a);
		l.addAll(b);
		java.util.Collections.sort(l);
		return l;
	}

	public String get(String name, String fallback) {
		return values.getOrDefault(name, fallback);
	}

	public String required(String name) throws UsageException {
		String v = values.get(name);
		if (v == null || v.isBlank()) throw new UsageException("--" + name + " is required");
		return v;
	}

	public boolean has(String name) {
		return values.containsKey(name);
	}

	public boolean flag(String name) {
		return flag(name, false);
	}

	/** A switch that is on unless given as {@code --name=false}. */
	public boolean flag(String name, boolean fallback) {
		String v = values.get(name);
		return v == null ? fallback : Boolean.parseBoolean(v);
	}

	public int integer(String name, int fallback) throws UsageException {
		String v = values.get(name);
		if (v == null) return fallback;
		try {
			return Integer.parseInt(v.trim());
		} catch (NumberFormatException e) {
			throw new UsageException("--" + name + " expects a whole number, got '" + v + "'");
		}
	}

	public double number(String name, double fallback) throws UsageException {
		String v = values.get(name);
		if (v == null) return fallback;
		try {
			return Double.parseDouble(v.trim());
		} catch (NumberFormatException e) {
			throw new UsageException("--" + name + " expects a number, got '" + v + "'");
		}
	}
}
