package org.duodistill.spark;

import java.io.Serializable;

/**
 * One file of a job: its place in the listing (the output keeps that order), the name the output
 * shows for it, where executors read it (a local path or any Hadoop file system URI), and for
 * {@code evaluate} its label and split.
 */
public record InputFile(long order, String file, String location, String label, String split) implements Serializable {
	static InputFile unlabelled(long order, String location) {
		return new InputFile(order, location, location, null, null);
	}
}
