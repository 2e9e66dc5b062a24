package org.duodistill.train;

import org.duodistill.hub.HubRepoId;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the teacher comes from, read once from the user's {@code --teacher} value: trained here
 * ({@code auto}), a checkpoint file, a DuoDistill model folder, or a Hugging Face Hub repo
 * ({@code hf-hub:ORG/NAME[@REVISION]}).
 */
public record TeacherSource(Kind kind, String value, Path path, HubRepoId hub) {
	public enum Kind {
		AUTO, FILE, FOLDER, HUB
	}

	public static final TeacherSource AUTO = new TeacherSource(Kind.AUTO, "auto", null, null);

	/** @throws IllegalArgumentException for a malformed Hub reference */
	public static TeacherSource parse(String value) {
		if (value == null || value.isBlank() || value.trim().equals("auto")) return AUTO;
		String v = value.trim();
		if (HubRepoId.isHubReference(v)) return new TeacherSource(Kind.HUB, v, null, HubRepoId.parse(v));
		Path p = Path.of(v);
		return new TeacherSource(Files.isDirectory(p) ? Kind.FOLDER : Kind.FILE, v, p, null);
	}

	public boolean isAuto() {
		return kind == Kind.AUTO;
	}

	/** A short name for tables and study rows: {@code auto}, the file or folder name, or the Hub reference. */
	public String label() {
		return switch (kind) {
			case AUTO -> "auto";
			case HUB -> hub.display();
			default -> path.getFileName() == null ? value : path.getFileName().toString();
		};
	}
}
