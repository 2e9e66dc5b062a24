package org.duodistill.cli;

import picocli.CommandLine.Option;

/**
 * How a command shows its progress; never what it computes, so {@code train --resume} takes these
 * too. Progress goes to stderr: results stay alone on stdout.
 */
public final class Presentation {
	static final String DEFAULT_INTERVAL = "10";

	@Option(names = "--quiet", description = "no progress and no per-epoch lines; results, warnings and errors still print")
	boolean quiet;

	@Option(names = "--progress-every", paramLabel = "SECONDS", defaultValue = DEFAULT_INTERVAL,
			description = "when stderr is not a terminal (a log file, CI): a progress line at most this often, the first after as long (default: ${DEFAULT-VALUE}; 0: every step). On a terminal the line updates in place")
	double progressEvery = Double.parseDouble(DEFAULT_INTERVAL);

	StatusLine statusLine(Streams io) {
		return StatusLine.of(io.err(), io.terminal(), quiet, progressEvery);
	}

	void copyFrom(Presentation other) {
		quiet = other.quiet;
		progressEvery = other.progressEvery;
	}
}
