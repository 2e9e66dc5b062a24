package org.duodistill.cli;

import java.io.PrintStream;

/**
 * Where a command writes: results to {@code out}, messages and progress to {@code err};
 * {@code terminal} when {@code err} is the process's stderr and that is a terminal (progress is then redrawn in place).
 */
record Streams(PrintStream out, PrintStream err, boolean terminal) {}
