package org.duodistill.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three ways progress shows, driven by a clock the test sets (the rendering is what is tested, not the time). */
class StatusLineTest {
	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
	private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
	private long now;

	private StatusLine status(StatusLine.Mode mode, double intervalSeconds) {
		return new StatusLine(err, mode, Math.round(intervalSeconds * 1e9), () -> now);
	}

	private String text() {
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private void seconds(double s) {
		now += Math.round(s * 1e9);
	}

	@Test
	void plainLinesComeOnlyAfterTheIntervalSoAShortRunPrintsNone() {
		StatusLine s = status(StatusLine.Mode.LINES, 10);
		ProgressTask t = s.task("classify", 100, "files");
		for (int i = 1; i <= 20; i++) {
			seconds(0.4);
			t.update(i, "f" + i);
		}
		assertEquals("", text(), "8 s in: nothing yet");
		seconds(2.4);
		t.update(21, "f21.dcm");
		seconds(1);
		t.update(22, "f22.dcm");
		List<String> lines = text().lines().toList();
		assertEquals(List.of("classify: 21/100 files (21%), 2.0 files/s, ETA 39 s, f21.dcm"), lines, "one line per interval, no carriage return");
		seconds(10);
		t.update(40, "");
		t.finish();
		lines = text().lines().toList();
		assertEquals(3, lines.size(), text());
		assertEquals("classify: 40 files in 21 s (1.9 files/s)", lines.get(2));
		assertFalse(text().contains("\r"));
	}

	@Test
	void aShortPlainRunEndsWithoutAnyLine() {
		StatusLine s = status(StatusLine.Mode.LINES, 10);
		ProgressTask t = s.task("reading", 5, "files");
		for (int i = 1; i <= 5; i++) {
			seconds(1);
			t.update(i, "");
		}
		t.finish();
		assertEquals("", text());
	}

	@Test
	void intervalZeroGivesALineForEveryStep() {
		StatusLine s = status(StatusLine.Mode.LINES, 0);
		ProgressTask t = s.task("explain", 3, "files");
		for (int i = 1; i <= 3; i++) {
			seconds(2);
			t.update(i, "");
		}
		assertEquals(List.of("explain: 1/3 files (33%), 0.5 files/s, ETA 4.0 s", "explain: 2/3 files (66%), 0.5 files/s, ETA 2.0 s",
				"explain: 3/3 files (100%), 0.5 files/s"), text().lines().toList());
	}

	@Test
	void onATerminalOneLineIsRedrawnInPlaceAtMostTenTimesASecond() {
		StatusLine s = status(StatusLine.Mode.BAR, 10);
		ProgressTask t = s.task("classify", 378, "files");
		for (int i = 1; i <= 378; i++) {
			seconds(0.01);
			t.update(i, "image-" + i + ".dcm");
		}
		String out = text();
		long draws = out.chars().filter(c -> c == '\r').count();
		assertTrue(draws >= 30 && draws <= 40, draws + " redraws in 3.78 s");
		assertFalse(out.contains("\n"), "no new line while it runs");
		String last = out.substring(out.lastIndexOf('\r') + 1).stripTrailing();
		assertEquals("classify 100% [####################] 378/378 files, 100 files/s, image-378.dcm", last);
		t.finish();
		String kept = text().substring(text().lastIndexOf('\r') + 1);
		assertEquals("classify 100% [####################] 378/378 files, 100 files/s in 3.8 s", kept.stripTrailing(), "the totals stay on their own line");
		assertTrue(kept.endsWith(System.lineSeparator()), kept);
	}

	@Test
	void aMessageClearsTheBarFirstAndNeverSharesItsLine() {
		StatusLine s = status(StatusLine.Mode.BAR, 10);
		ProgressTask t = s.task("reading", 10, "files");
		seconds(1);
		t.update(4, "");
		String bar = text().substring(1);
		assertEquals("reading  40% [########............] 4/10 files, 4.0 files/s, ETA 1.5 s", bar);
		s.println("skipped broken.dcm: truncated");
		assertEquals("\r" + bar + "\r" + " ".repeat(bar.length()) + "\r" + "skipped broken.dcm: truncated" + System.lineSeparator(), text(),
				"the bar is overwritten with blanks, then the message starts at the line's beginning");
	}

	@Test
	void aLongLineIsCutToTheTerminalWidthSoItNeverWraps() {
		StatusLine s = status(StatusLine.Mode.BAR, 10);
		ProgressTask t = s.task("classify", 10, "files");
		seconds(1);
		t.update(1, "a-file-name-that-is-very-long-indeed-so-long-that-the-line-would-wrap.dcm");
		String drawn = text().substring(1);
		assertEquals(StatusLine.WIDTH, drawn.length(), drawn);
		assertTrue(drawn.endsWith("~"));
	}

	@Test
	void quietShowsNoProgressButMessagesStillPrint() {
		StatusLine s = status(StatusLine.Mode.OFF, 0);
		ProgressTask t = s.task("classify", 3, "files");
		for (int i = 1; i <= 3; i++) {
			seconds(20);
			t.update(i, "");
		}
		t.finish();
		assertEquals("", text());
		s.println("warning: not the training data");
		assertEquals("warning: not the training data\n", text().replace("\r\n", "\n"));
	}

	@Test
	void durations() {
		assertEquals("0.4 s", ProgressTask.duration(0.4));
		assertEquals("42 s", ProgressTask.duration(42.2));
		assertEquals("2:05", ProgressTask.duration(125));
		assertEquals("1:02:05", ProgressTask.duration(3725));
	}
}
