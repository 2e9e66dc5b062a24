package org.duodistill.data;

/** The data as a whole cannot be used for training (too few classes or images, missing folder). */
public class DatasetException extends Exception {
	private static final long serialVersionUID = 1L;

	public DatasetException(String message) {
		super(message);
	}
}
