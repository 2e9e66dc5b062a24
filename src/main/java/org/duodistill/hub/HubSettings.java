package org.duodistill.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the Hub is and where its cache lies, read as huggingface_hub reads them, so that Python and
 * DuoDistill share one cache:
 * <ul>
 * <li>{@code HF_ENDPOINT}: default {@code https://huggingface.co}, trailing slashes stripped;</li>
 * <li>{@code HF_TOKEN}; else the file huggingface_hub's {@code hf auth login} writes
 * ({@code HF_TOKEN_PATH}, default {@code HF_HOME/token});</li>
 * <li>the cache: {@code HF_HUB_CACHE}, else (legacy) {@code HUGGINGFACE_HUB_CACHE}, else
 * {@code HF_HOME/hub}, where {@code HF_HOME} defaults to {@code XDG_CACHE_HOME/huggingface}, and
 * that to {@code ~/.cache/huggingface}; a leading {@code ~} is the user's home;</li>
 * <li>{@code HF_HUB_OFFLINE} (else {@code TRANSFORMERS_OFFLINE}, as huggingface_hub): {@code 1},
 * {@code true}, {@code yes} or {@code on} (any case).</li>
 * </ul>
 *
 * @param endpoint Hub address without a trailing slash
 * @param token    the access token, or null
 * @param cacheDir huggingface_hub's hub cache ({@code models--ORG--NAME} folders lie in it)
 * @param offline  whether no request may be made
 */
public record HubSettings(String endpoint, String token, Path cacheDir, boolean offline) {
	public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
	private static final Set<String> NAMES = Set.of("HF_ENDPOINT", "HF_TOKEN", "HF_TOKEN_PATH", "HF_HOME",
			"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "XDG_CACHE_HOME", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE");

	public HubSettings {
		endpoint = stripSlashes(endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.strip());
		token = token == null || token.isBlank() ? null : token.strip();
		if (cacheDir == null) {
			throw new IllegalArgumentException("the Hugging Face cache folder is missing");
		}
	}

	/**
	 * From the environment, where a Java system property of the same name (e.g.
	 * {@code -DHF_ENDPOINT=...}, for Fiji users who cannot set environment variables) takes
	 * precedence; the home is {@code user.home}.
	 */
	public static HubSettings fromEnvironment() {
		Map<String, String> env = new HashMap<>(System.getenv());
		for (String name : NAMES) {
			String p = System.getProperty(name);
			if (p != null) {
				env.put(name, p);
			}
		}
		return from(env, Paths.get(System.getProperty("user.home")));
	}

	/** From the given variables and home folder (for tests; nothing else is read but the token file). */
	public static HubSettings from(Map<String, String> env, Path userHome) {
		String home = value(env, "HF_HOME");
		Path hfHome;
		if (home != null) {
			hfHome = expand(home, userHome);
		} else {
			String xdg = value(env, "XDG_CACHE_HOME");
			hfHome = (xdg != null ? expand(xdg, userHome) : userHome.resolve(".cache")).resolve("huggingface");
		}
		String hubCache = value(env, "HF_HUB_CACHE");
		if (hubCache == null) {
			hubCache = value(env, "HUGGINGFACE_HUB_CACHE");
		}
		Path cache = hubCache != null ? expand(hubCache, userHome) : hfHome.resolve("hub");

		String token = value(env, "HF_TOKEN");
		if (token == null) {
			String tokenPath = value(env, "HF_TOKEN_PATH");
			token = readToken(tokenPath != null ? expand(tokenPath, userHome) : hfHome.resolve("token"));
		}
		String offline = value(env, "HF_HUB_OFFLINE");
		if (offline == null) {
			offline = value(env, "TRANSFORMERS_OFFLINE");
		}
		boolean off = offline != null && Set.of("1", "TRUE", "YES", "ON").contains(offline.toUpperCase(Locale.ROOT));
		return new HubSettings(value(env, "HF_ENDPOINT"), token, cache.toAbsolutePath().normalize(), off);
	}

	/** The same settings with another offline flag. */
	public HubSettings withOffline(boolean newOffline) {
		return new HubSettings(endpoint, token, cacheDir, newOffline);
	}

	/** Never shows the token. */
	@Override
	public String toString() {
		return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set") + ", cacheDir="
				+ cacheDir + ", offline=" + offline + "]";
	}

	private static String value(Map<String, String> env, String name) {
		String v = env.get(name);
		return v == null || v.isBlank() ? null : v.strip();
	}

	private static Path expand(String path, Path userHome) {
		if (path.equals("~")) {
			return userHome;
		}
		if (path.startsWith("~/") || path.startsWith("~\\")) {
			return userHome.resolve(path.substring(2));
		}
		return Paths.get(path);
	}

	private static String readToken(Path file) {
		try {
			if (Files.isRegularFile(file)) {
				String t = Files.readString(file, StandardCharsets.UTF_8).strip();
				return t.isEmpty() ? null : t;
			}
		} catch (IOException | SecurityException e) {
			// an unreadable token file is as good as none: public repos still work
		}
		return null;
	}

	private static String stripSlashes(String s) {
		int end = s.length();
		while (end > 0 && s.charAt(end - 1) == '/') {
			end--;
		}
		return s.substring(0, end);
	}
}
