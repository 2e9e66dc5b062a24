package org.duodistill.cli;

import java.util.Locale;

/**
 * One counted operation on a {@link StatusLine}: how far, how fast, how long still. The rate is over
 * the whole operation so far (steady enough for an ETA; the first item's warm-up fades out).
 */
public final class ProgressTask {
	private static final int BAR = 20;

	private final StatusLine status;
	private final String label;
	private final long total;
	private final String unit;
	private final long start;
	private long done;
	private String detail = "";
	private long lastDraw;
	private boolean drawn;
	private long lastLine;
	private boolean printedLine;
	private boolean finished;

	ProgressTask(StatusLine status, String label, long total, String unit, long start) {
		this.status = status;
		this.label = label;
		this.total = total;
		this.unit = unit;
		this.start = start;
		this.lastLine = start;
	}

	/** @param detail what is being worked on now (a file name, the running loss); may be empty */
	public synchronized void update(long done, String detail) {
		if (finished || status.mode() == StatusLine.Mode.OFF) return;
		this.done = done;
		this.detail = detail == null ? "" : detail;
		long now = status.now();
		if (status.mode() == StatusLine.Mode.BAR) {
			if (!drawn || now - lastDraw >= StatusLine.REDRAW_NANOS || done == total) {
				drawn = true;
				lastDraw = now;
				status.draw(barText(now));
			}
		} else if (now - lastLine >= status.intervalNanos()) {
			lastLine = now;
			printedLine = true;
			status.line(plainText(now));
		}
	}

	/** Every item is done (the last update came before the last item's work). */
	public void complete() {
		update(Math.max(total, done), "");
	}

	/** The operation ended: a bar stays on its own line with the totals; plain mode closes with a line only if it printed any. */
	public synchronized void finish() {
		if (finished) return;
		finished = true;
		long now = status.now();
		if (status.mode() == StatusLine.Mode.BAR) {
			if (!drawn) return; // never shown: nothing to close
			detail = "";
			status.draw(barText(now) + " in " + duration((now - start) / 1e9));
			status.keep();
		} else if (status.mode() == StatusLine.Mode.LINES && printedLine) {
			status.line(String.format(Locale.ROOT, "%s: %d %s in %s (%s)", label, done, unit, duration((now - start) / 1e9), rate(now)));
		}
	}

	String barText(long now) {
		StringBuilder b = new StringBuilder(label).append(' ');
		if (total > 0) {
			int filled = (int) Math.min(BAR, BAR * done / total);
			b.append(String.format(Locale.ROOT, "%3d%% [", Math.min(100, 100 * done / total)));
			for (int i = 0; i < BAR; i++) b.append(i < filled ? '#' : '.');
			b.append("] ").append(done).append('/').append(total).append(' ').append(unit);
		} else {
			b.append(done).append(' ').append(unit);
		}
		b.append(", ").append(rate(now));
		String eta = eta(now);
		if (eta != null && done < total) b.append(", ETA ").append(eta);
		if (!detail.isEmpty()) b.append(", ").append(detail);
		return b.toString();
	}

	String plainText(long now) {
		StringBuilder b = new StringBuilder(label).append(": ").append(done);
		if (total > 0) b.append('/').append(total);
		b.append(' ').append(unit);
		if (total > 0) b.append(" (").append(Math.min(100, 100 * done / total)).append("%)");
		b.append(", ").append(rate(now));
		String eta = eta(now);
		if (eta != null && done < total) b.append(", ETA ").append(eta);
		if (!detail.isEmpty()) b.append(", ").append(detail);
		return b.toString();
	}

	private String rate(long now) {
		double s = (now - start) / 1e9;
		double r = s > 0 ? done / s : 0;
		return String.format(Locale.ROOT, r >= 10 ? "%.0f %s/s" : "%.1f %s/s", r, unit);
	}

	/** Null until there is a rate to extrapolate from. */
	private String eta(long now) {
		if (total <= 0 || done <= 0) return null;
		double s = (now - start) / 1e9;
		return duration(s * (total - done) / done);
	}

	/** 7 s, 2:05, 1:02:05. */
	static String duration(double seconds) {
		long s = Math.round(seconds);
		if (s < 60) return seconds < 10 ? String.format(Locale.ROOT, "%.1f s", seconds) : s + " s";
		if (s < 3600) return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
		return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
	}
}
