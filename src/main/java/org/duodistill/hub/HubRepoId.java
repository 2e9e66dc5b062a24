package org.duodistill.hub;

import java.util.regex.Pattern;

/**
 * A model repo on the Hugging Face Hub as timm and DuoDistill name it: {@code hf-hub:ORG/NAME} or
 * {@code hf_hub:ORG/NAME} (timm's other spelling), optionally {@code @REVISION} (a branch, a tag,
 * {@code refs/pr/N} or a 40-hex commit); the revision defaults to {@code main}.
 *
 * @param repo     {@code ORG/NAME}
 * @param revision branch, tag, {@code refs/pr/N} or commit
 */
public record HubRepoId(String repo, String revision) {
	public static final String DEFAULT_REVISION = "main";
	private static final Pattern NAME_PART = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?");
	private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

	public HubRepoId {
		String problem = repoProblem(repo);
		if (problem == null) {
			problem = revisionProblem(revision);
		}
		if (problem != null) {
			throw new IllegalArgumentException("'" + repo + (revision == null ? "" : "@" + revision)
					+ "' is not a Hugging Face model id: " + problem);
		}
	}

	/** Whether {@code s} starts with {@code hf-hub:} or {@code hf_hub:}. */
	public static boolean isHubReference(String s) {
		return s != null && (s.startsWith("hf-hub:") || s.startsWith("hf_hub:"));
	}

	/**
	 * Parses {@code hf-hub:ORG/NAME[@REVISION]} (or {@code hf_hub:...}); IllegalArgumentException
	 * with a one-line reason for anything else.
	 */
	public static HubRepoId parse(String s) {
		if (!isHubReference(s)) {
			throw new IllegalArgumentException("'" + HubException.oneLine(String.valueOf(s))
					+ "' is not a Hugging Face model id: write hf-hub:ORG/NAME or hf-hub:ORG/NAME@REVISION");
		}
		String rest = s.substring("hf-hub:".length()).strip();
		int at = rest.indexOf('@');
		String repo = at < 0 ? rest : rest.substring(0, at);
		String revision = at < 0 ? DEFAULT_REVISION : rest.substring(at + 1);
		String problem = repoProblem(repo);
		if (problem == null) {
			problem = revisionProblem(revision);
		}
		if (problem != null) {
			throw new IllegalArgumentException("'" + HubException.oneLine(s) + "' is not a Hugging Face model id: " + problem);
		}
		return new HubRepoId(repo, revision);
	}

	/** {@code hf-hub:ORG/NAME@REV}, without {@code @main}. */
	public String display() {
		return "hf-hub:" + repo + (DEFAULT_REVISION.equals(revision) ? "" : "@" + revision);
	}

	/** The folder huggingface_hub keeps this repo in: {@code models--ORG--NAME}. */
	public String cacheFolderName() {
		return "models--" + repo.replace("/", "--");
	}

	/** Whether the revision is a full commit hash (immutable, so never looked up online when cached). */
	public boolean revisionIsCommit() {
		return isCommit(revision);
	}

	static boolean isCommit(String s) {
		return s != null && COMMIT.matcher(s).matches();
	}

	@Override
	public String toString() {
		return display();
	}

	private static String repoProblem(String repo) {
		if (repo == null || repo.isEmpty()) {
			return "the repo is missing; write hf-hub:ORG/NAME";
		}
		String[] parts = repo.split("/", -1);
		if (parts.length != 2) {
			return "the repo must be ORG/NAME (one slash), not '" + HubException.oneLine(repo) + "'";
		}
		for (String part : parts) {
			if (part.isEmpty()) {
				return "ORG and NAME must both be given in '" + repo + "'";
			}
			if (part.contains("..") || part.contains("--")) {
				return "'..' and '--' are not allowed in '" + repo + "'";
			}
			if (!NAME_PART.matcher(part).matches()) {
				return "ORG and NAME may hold letters, digits, '_', '-' and '.' ('-' and '.' not first or last), at most 96 each, not '"
						+ HubException.oneLine(repo) + "'";
			}
		}
		return null;
	}

	private static String revisionProblem(String revision) {
		if (revision == null || revision.isEmpty()) {
			return "the revision after '@' is empty";
		}
		if (revision.contains("..") || revision.startsWith("/") || revision.endsWith("/") || revision.contains("//")
				|| revision.contains("\\")) {
			return "the revision '" + HubException.oneLine(revision) + "' is not a branch, tag or commit";
		}
		for (int i = 0; i < revision.length(); i++) {
			char c = revision.charAt(i);
			if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ':' || c == '@' || c == '?' || c == '*') {
				return "the revision '" + HubException.oneLine(revision) + "' is not a branch, tag or commit";
			}
		}
		return null;
	}
}
