package org.duodistill.data;

import java.util.Locale;

/** Which part of the data a sample belongs to; UNASSIGNED until a seeded split decides. */
public enum Split {
	TRAIN, VAL, TEST, UNASSIGNED;

	/** Folder or CSV spellings: train/training, val/valid/validation, test/testing. */
	public static Split parse(String s) {
		switch (s.trim().toLowerCase(Locale.ROOT)) {
			case "train": case "training": return TRAIN;
			case "val": case "valid": case "validation": return VAL;
			case "test": case "testing": return TEST;
			case "": return UNASSIGNED;
			default: throw new IllegalArgumentException("unknown split '" + s + "' (use train, val or test)");
		}
	}

	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}
}
