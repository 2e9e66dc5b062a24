package org.duodistill.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} on every command: that command's options, each with its default. */
public final class HelpOption {
	@Option(names = {"-h", "--help"}, usageHelp = true, description = "show this command's options and exit")
	boolean help;
}
