package org.duodistill.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Progress on stderr, never stdout (which carries results): on a terminal one line redrawn in place
 * ({@link Mode#BAR}); elsewhere (a log file, CI, a pipe) plain lines, the first after one interval
 * and then at most one per interval, so a short run prints none ({@link Mode#LINES}); nothing at all
 * with {@code --quiet} ({@link Mode#OFF}). Messages printed through {@link #println} first clear a
 * bar that is showing, so they never share its line. Callbacks may come from any thread.
 */
public final class StatusLine {
	public enum Mode { BAR, LINES, OFF }

	/** A terminal is redrawn at most this often; more only costs time. */
	static final long REDRAW_NANOS = 100_000_000L;
	/** Keeps the line inside an 80-column terminal, so it never wraps (a wrapped line cannot be redrawn). */
	static final int WIDTH = 79;

	private final PrintStream err;
	private final Mode mode;
	private final long intervalNanos;
	private final LongSupplier clock;
	private int shownLength;

	public StatusLine(PrintStream err, Mode mode, long intervalNanos, LongSupplier clock) {
		this.err = err;
		this.mode = mode;
		this.intervalNanos = intervalNanos;
		this.clock = clock;
	}

	/** The mode for a command: OFF when quiet, a bar when stderr is a terminal, plain lines otherwise. */
	public static StatusLine of(PrintStream err, boolean terminal, boolean quiet, double intervalSeconds) {
		Mode mode = quiet ? Mode.OFF : terminal ? Mode.BAR : Mode.LINES;
		return new StatusLine(err, mode, Math.round(Math.max(0, intervalSeconds) * 1e9), System::nanoTime);
	}

	/**
	 * Whether this process's stderr is a terminal. Linux says where fd 2 points; elsewhere
	 * {@link System#console()} (stdin and stdout are a terminal) is the best guess Java offers.
	 * {@code TERM=dumb} (Emacs shells, some CI consoles) cannot redraw a line.
	 */
	public static boolean stderrIsTerminal() {
		if ("dumb".equals(System.getenv("TERM"))) return false;
		Path fd = Path.of("/proc/self/fd/2");
		if (Files.exists(Path.of("/proc/self/fd"))) {
			try {
				String target = Files.readSymbolicLink(fd).toString();
				return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
			} catch (IOException | UnsupportedOperationException | SecurityException e) {
				return false;
			}
		}
		return System.console() != null;
	}

	public Mode mode() {
		return mode;
	}

	/** A message line (not progress): printed in every mode, after clearing a bar. */
	public synchronized void println(String message) {
		clear();
		err.println(message);
	}

	/**
	 * A counted operation.
	 *
	 * @param total the count when done, or -1 when unknown
	 * @param unit what is counted (files, batches, MB), plural
	 */
	public ProgressTask task(String label, long total, String unit) {
		return new ProgressTask(this, label, total, unit, clock.getAsLong());
	}

	long now() {
		return clock.getAsLong();
	}

	long intervalNanos() {
		return intervalNanos;
	}

	/** Draws {@code text} over the bar's line (BAR mode only). */
	synchronized void draw(String text) {
		if (mode != Mode.BAR) return;
		String t = text.length() > WIDTH ? text.substring(0, WIDTH - 1) + "~" : text;
		StringBuilder b = new StringBuilder("\r").append(t);
		for (int i = t.length(); i < shownLength; i++) b.append(' ');
		err.print(b);
		err.flush();
		shownLength = t.length();
	}

	/** Leaves the bar's last state on its own line. */
	synchronized void keep() {
		if (mode == Mode.BAR && shownLength > 0) {
			err.println();
			shownLength = 0;
		}
	}

	/** A plain progress line (LINES mode only). */
	synchronized void line(String text) {
		if (mode == Mode.LINES) err.println(text);
	}

	private void clear() {
		if (shownLength == 0) return;
		StringBuilder b = new StringBuilder("\r");
		for (int i = 0; i < shownLength; i++) b.append(' ');
		err.print(b.append('\r'));
		shownLength = 0;
	}
}
