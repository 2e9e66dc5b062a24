package org.duodistill.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.function.Supplier;

/**
 * What library code prints while it runs, taken from the calling thread only. ImageJ 1 reports
 * decoding problems by printing ("ImageJ cannot open compressed DICOM images", exception names
 * while probing); captured, that text becomes the reason a file was skipped instead of clutter on
 * the console. Other threads keep printing to the console as before.
 */
final class ConsoleCapture {
	/** The action's result and what it printed, trimmed. */
	record Captured<T>(T value, String text) {}

	private static final Object LOCK = new Object();
	private static final ThreadLocal<ByteArrayOutputStream> SINK = new ThreadLocal<>();
	private static int users;
	private static PrintStream savedOut;
	private static PrintStream savedErr;
	private static PrintStream routedOut;
	private static PrintStream routedErr;

	private ConsoleCapture() {}

	static <T> Captured<T> run(Supplier<T> action) {
		ByteArrayOutputStream sink = new ByteArrayOutputStream();
		install();
		SINK.set(sink);
		try {
			T value = action.get();
			return new Captured<>(value, sink.toString(Charset.defaultCharset()).trim());
		} finally {
			SINK.remove();
			uninstall();
		}
	}

	private static void install() {
		synchronized (LOCK) {
			if (users++ > 0) return;
			savedOut = System.out;
			savedErr = System.err;
			routedOut = new PrintStream(new Routed(savedOut), true);
			routedErr = new PrintStream(new Routed(savedErr), true);
			System.setOut(routedOut);
			System.setErr(routedErr);
		}
	}

	private static void uninstall() {
		synchronized (LOCK) {
			if (--users > 0) return;
			// Someone may have replaced the streams meanwhile; theirs stay.
			if (System.out == routedOut) System.setOut(savedOut);
			if (System.err == routedErr) System.setErr(savedErr);
			routedOut = routedErr = null;
		}
	}

	/** To the capturing thread's sink when it has one, else to the console. */
	private static final class Routed extends OutputStream {
		private final PrintStream console;

		Routed(PrintStream console) {
			this.console = console;
		}

		@Override
		public void write(int b) {
			ByteArrayOutputStream sink = SINK.get();
			if (sink != null) sink.write(b);
			else console.write(b);
		}

		@Override
		public void write(byte[] b, int off, int len) {
			ByteArrayOutputStream sink = SINK.get();
			if (sink != null) sink.write(b, off, len);
			else console.write(b, off, len);
		}

		@Override
		public void flush() throws IOException {
			console.flush();
		}
	}
}
