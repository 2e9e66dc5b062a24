package org.duodistill.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every command line that README.md and docs/*.md show, found as a reader finds them:
 * <ul>
 * <li>lines of code blocks that run {@code bin/duodistill}, {@code bin/duodistill-spark},
 * {@code mvn ... exec:java -Dexec.args="..."} or {@code spark-submit ... JAR ARGS} (a trailing
 * backslash continues a line; {@code # comments} and leading {@code VAR=value} are dropped):
 * {@link Kind#COMPLETE}, to parse as they stand once their paths are substituted;</li>
 * <li>the synopses of code blocks ({@code train --data DIR|CSV [--epochs N] ...}, continued on
 * indented lines) and inline spans such as {@code `train --method teacher --size 32`}:
 * {@link Kind#FRAGMENT}, whose every option must exist and take the value shown, though required
 * ones may be left out.</li>
 * </ul>
 * Placeholders become values of the option's type when parsed ({@code N}, {@code F}: numbers);
 * {@code [ ]} are dropped, {@code a|b} takes {@code a}, {@code --x[=false]} is {@code --x=false}.
 */
public final class DocumentedCommandLines {
	public enum Kind { COMPLETE, FRAGMENT }

	/** @param program {@code duodistill} or {@code duodistill-spark}; {@code args} start with the command */
	public record Shown(String where, Kind kind, String program, List<String> args) {
		@Override
		public String toString() {
			return where + ": " + program + " " + String.join(" ", args);
		}
	}

	static final Set<String> COMMANDS = Set.of("demo", "train", "evaluate", "classify", "explain", "study", "export", "teachers");
	static final Set<String> SPARK_COMMANDS = Set.of("classify", "evaluate");
	private static final Pattern INLINE = Pattern.compile("`([^`]+)`");

	private DocumentedCommandLines() {}

	/** The documents: README.md and docs/*.md under {@code root}. */
	public static List<Path> documents(Path root) {
		List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
		try (Stream<Path> s = Files.list(root.resolve("docs"))) {
			s.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(docs::add);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return docs;
	}

	public static List<Shown> in(Path root) {
		List<Shown> all = new ArrayList<>();
		for (Path doc : documents(root)) {
			try {
				all.addAll(in(root.relativize(doc).toString(), Files.readAllLines(doc)));
			} catch (IOException e) {
				throw new UncheckedIOException(e);
			}
		}
		return all;
	}

	static List<Shown> in(String name, List<String> lines) {
		List<Shown> found = new ArrayList<>();
		boolean fence = false;
		StringBuilder prose = new StringBuilder();
		int proseStart = 1;
		String pending = null;
		int pendingLine = 0;
		Shown synopsis = null;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (line.stripLeading().startsWith("```")) {
				if (!fence) {
					inline(name, proseStart, prose.toString(), found);
					prose.setLength(0);
				} else {
					proseStart = i + 2;
				}
				fence = !fence;
				synopsis = null;
				continue;
			}
			if (!fence) {
				prose.append(line).append('\n');
				continue;
			}
			// inside a code block
			String logical = pending == null ? line : pending + " " + line.strip();
			if (logical.endsWith("\\")) {
				if (pending == null) pendingLine = i + 1;
				pending = logical.substring(0, logical.length() - 1).strip();
				continue;
			}
			int at = pending == null ? i + 1 : pendingLine;
			pending = null;
			String where = name + ":" + at;
			List<String> words = words(stripComment(logical));
			if (words.isEmpty()) continue;
			if (synopsis != null && Character.isWhitespace(logical.charAt(0)) && (words.get(0).startsWith("[") || words.get(0).startsWith("--")
					|| words.get(0).startsWith("|") || words.get(0).startsWith("("))) {
				synopsis.args().addAll(normalised(words));
				continue;
			}
			synopsis = null;
			Shown s = command(where, Kind.COMPLETE, words);
			if (s != null) {
				found.add(s);
			} else if (COMMANDS.contains(words.get(0)) && words.size() > 1 && (words.get(1).startsWith("[") || words.get(1).startsWith("--"))) {
				String program = name.contains("spark") ? "duodistill-spark" : "duodistill";
				synopsis = new Shown(where, Kind.FRAGMENT, program, new ArrayList<>(normalised(words)));
				found.add(synopsis);
			}
		}
		inline(name, proseStart, prose.toString(), found);
		return found;
	}

	/** Inline spans in prose, which may wrap across lines. */
	private static void inline(String name, int firstLine, String prose, List<Shown> found) {
		Matcher m = INLINE.matcher(prose);
		while (m.find()) {
			int line = firstLine + (int) prose.substring(0, m.start()).chars().filter(c -> c == '\n').count();
			List<String> words = words(m.group(1).replace('\n', ' '));
			if (words.isEmpty()) continue;
			String where = name + ":" + line;
			Shown s = command(where, Kind.FRAGMENT, words);
			if (s != null) {
				found.add(s);
			} else if (COMMANDS.contains(words.get(0)) && words.size() > 1 && words.get(1).startsWith("--")) {
				found.add(new Shown(where, Kind.FRAGMENT, name.contains("spark") ? "duodistill-spark" : "duodistill", normalised(words)));
			}
		}
	}

	/** A line that runs one of the programs, or null. */
	private static Shown command(String where, Kind kind, List<String> words) {
		int i = 0;
		while (i < words.size() && words.get(i).matches("[A-Z_][A-Z0-9_]*=.*")) i++; // JAVA_OPTS=... before the command
		if (i >= words.size()) return null;
		String first = words.get(i);
		List<String> rest = words.subList(i + 1, words.size());
		String program = switch (first) {
			case "bin/duodistill", "duodistill" -> "duodistill";
			case "bin/duodistill-spark", "duodistill-spark" -> "duodistill-spark";
			default -> null;
		};
		if (program != null) {
			if (rest.isEmpty() || rest.get(0).startsWith("<") || !(program.equals("duodistill") ? COMMANDS : SPARK_COMMANDS).contains(rest.get(0))) {
				return null; // "bin/duodistill <command> <options>": a pattern, not a command line
			}
			return new Shown(where, kind, program, normalised(rest));
		}
		if (first.equals("mvn")) {
			for (String w : rest) {
				if (w.startsWith("-Dexec.args=")) {
					List<String> args = words(w.substring("-Dexec.args=".length()));
					if (args.isEmpty() || !COMMANDS.contains(args.get(0))) return null;
					return new Shown(where, kind, "duodistill", normalised(args));
				}
			}
			return null;
		}
		if (first.equals("spark-submit")) {
			for (int j = 0; j < rest.size(); j++) {
				if (rest.get(j).endsWith(".jar") && j + 1 < rest.size() && SPARK_COMMANDS.contains(rest.get(j + 1))) {
					return new Shown(where, kind, "duodistill-spark", normalised(rest.subList(j + 1, rest.size())));
				}
			}
		}
		return null;
	}

	/** Shell words: whitespace-separated, quotes grouping and removed. */
	static List<String> words(String s) {
		List<String> out = new ArrayList<>();
		StringBuilder w = new StringBuilder();
		char quote = 0;
		boolean any = false;
		for (char c : s.toCharArray()) {
			if (quote != 0) {
				if (c == quote) quote = 0;
				else w.append(c);
			} else if (c == '"' || c == '\'') {
				quote = c;
				any = true;
			} else if (Character.isWhitespace(c)) {
				if (any || w.length() > 0) out.add(w.toString());
				w.setLength(0);
				any = false;
			} else {
				w.append(c);
			}
		}
		if (any || w.length() > 0) out.add(w.toString());
		return out;
	}

	private static String stripComment(String line) {
		Matcher m = Pattern.compile("\\s#\\s").matcher(line);
		return m.find() ? line.substring(0, m.start()) : line;
	}

	/** Synopsis notation to words a parser sees: brackets dropped, first alternatives, no trailing remarks. */
	static List<String> normalised(List<String> words) {
		List<String> out = new ArrayList<>();
		for (String w : words) {
			if (w.startsWith("(")) break; // "(continue a killed run ...)": a remark
			if (w.equals(">") || w.equals("2>") || w.equals("<") || w.equals("&&") || w.equals(";") || w.equals("2>&1")) break; // the shell's
			if (w.equals("|") || w.equals("...") || w.isEmpty()) continue;
			String t = w.replace("[=", "=").replace("[", "").replace("]", "");
			if (t.isEmpty() || t.equals("|")) continue;
			if (!t.startsWith("--") && t.contains("|")) t = t.substring(0, t.indexOf('|'));
			else if (t.startsWith("--") && t.contains("=") && t.contains("|")) t = t.substring(0, t.indexOf('|'));
			out.add(t);
		}
		return out;
	}
}
