package org.duodistill.hub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1 (an ephemeral port), speaking the part of its
 * protocol that huggingface_hub and {@link HubClient} use: HEAD and GET on
 * {@code /ORG/NAME/resolve/REV/FILE} with {@code X-Repo-Commit} and {@code ETag}; LFS files answer
 * 302 to {@code /lfs-cdn/<sha256>} (a relative Location) with {@code X-Linked-Etag} and
 * {@code X-Linked-Size}; {@code Range} is honoured (206 with {@code Content-Range}); 404s carry
 * {@code X-Error-Code} ({@code RepoNotFound}, {@code RevisionNotFound}, {@code EntryNotFound}).
 * Knobs: a required token, connections cut mid-body, corrupted content, no Range support, small files
 * redirected within the Hub, an LFS CDN on another origin. Every request is recorded.
 * Usable from tests in any package.
 */
public final class LoopbackHub implements AutoCloseable {
	/** One request as the server saw it; header values are null when absent. */
	public record Request(String method, String path, String range, String authorization, String userAgent) {}

	private record Entry(byte[] content, boolean lfs, String sha256, String gitSha1) {}

	private final HttpServer server;
	/** The same handler on a second port: another origin, as the Hub's LFS CDN is. */
	private final HttpServer cdn;
	private final ExecutorService executor;
	/** repo -> revision name -> commit */
	private final Map<String, Map<String, String>> branches = new ConcurrentHashMap<>();
	/** repo -> commit -> path -> entry */
	private final Map<String, Map<String, Map<String, Entry>>> trees = new ConcurrentHashMap<>();
	private final Map<String, Entry> lfsBySha = new ConcurrentHashMap<>();
	private final Map<String, Boolean> corrupted = new ConcurrentHashMap<>();
	private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
	private final AtomicInteger cutsLeft = new AtomicInteger();
	private volatile int cutAfter;
	private volatile String requiredToken;
	private volatile boolean ignoreRange;
	private volatile boolean viaResolveCache;
	private volatile boolean separateCdn;
	private volatile String cdnHost = "127.0.0.1";

	public LoopbackHub() throws IOException {
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		executor = Executors.newCachedThreadPool(r -> {
			Thread t = new Thread(r, "loopback-hub");
			t.setDaemon(true);
			return t;
		});
		server.setExecutor(executor);
		server.createContext("/", this::handle);
		server.start();
		cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		cdn.setExecutor(executor);
		cdn.createContext("/", this::handle);
		cdn.start();
	}

	/** {@code http://127.0.0.1:PORT}, for HF_ENDPOINT. */
	public String endpoint() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	/**
	 * Adds a file. {@code revisionOrCommit} is a branch or tag name (its commit is derived from the
	 * repo and name, see {@link #commit}) or a 40-hex commit. Returns the commit.
	 */
	public String addFile(String repo, String revisionOrCommit, String path, byte[] content, boolean lfs) {
		String commit = HubRepoId.isCommit(revisionOrCommit) ? revisionOrCommit
				: branches.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).computeIfAbsent(revisionOrCommit,
						rev -> hex("SHA-1", (repo + "@" + rev).getBytes(StandardCharsets.UTF_8)));
		return addFile(repo, HubRepoId.isCommit(revisionOrCommit) ? null : revisionOrCommit, commit, path, content, lfs);
	}

	/** Adds a file at {@code commit}, and points {@code revision} (if not null) at that commit. */
	public String addFile(String repo, String revision, String commit, String path, byte[] content, boolean lfs) {
		if (revision != null) {
			branches.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).put(revision, commit);
		}
		Entry e = new Entry(content.clone(), lfs, sha256Hex(content), gitBlobSha1(content));
		trees.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).computeIfAbsent(commit, c -> new ConcurrentHashMap<>())
				.put(path, e);
		if (lfs) {
			lfsBySha.put(e.sha256, e);
		}
		return commit;
	}

	/** The commit a revision of a repo points to (null if none). */
	public String commit(String repo, String revision) {
		return branches.getOrDefault(repo, Map.of()).get(revision);
	}

	/** Resolve requests without {@code Authorization: Bearer <token>} get 401 (null: none needed). */
	public void requireToken(String token) {
		requiredToken = token;
	}

	/** The next {@code times} content bodies stop after {@code n} bytes and the connection is closed. */
	public void cutAfterBytes(int n, int times) {
		cutAfter = n;
		cutsLeft.set(times);
	}

	/** Serves wrong bytes (same length, every byte flipped) for that file from now on. */
	public void corrupt(String repo, String file) {
		corrupted.put(repo + "\n" + file, true);
	}

	/** Answers every content request with the whole file (200), as a server without Range support does. */
	public void ignoreRange(boolean ignore) {
		ignoreRange = ignore;
	}

	/**
	 * Small (non-LFS) files answer 307 to {@code /api/resolve-cache/models/ORG/NAME/COMMIT/FILE} with
	 * only {@code X-Repo-Commit}; the ETag and content come from there (as the Hub does of late).
	 */
	public void smallFilesViaResolveCache(boolean on) {
		viaResolveCache = on;
	}

	/**
	 * LFS files redirect to an absolute URL on another port ({@link #cdnEndpoint()}), another origin
	 * as on the real Hub, instead of the relative {@code /lfs-cdn/<sha256>}. huggingface_hub needs this:
	 * it follows relative redirects when it looks for the metadata.
	 */
	public void separateCdn(boolean on) {
		separateCdn = on;
	}

	/**
	 * As {@link #separateCdn(boolean) separateCdn(true)}, with the CDN named by another host name (e.g.
	 * {@code localhost}): huggingface_hub follows redirects to the same host name whatever the port.
	 */
	public void separateCdn(String hostName) {
		cdnHost = hostName;
		separateCdn = true;
	}

	/** {@code http://127.0.0.1:PORT} (or the host name given) of the CDN stand-in used after {@link #separateCdn}. */
	public String cdnEndpoint() {
		return "http://" + cdnHost + ":" + cdn.getAddress().getPort();
	}

	public int requestCount() {
		return requests.size();
	}

	public List<Request> requests() {
		synchronized (requests) {
			return List.copyOf(requests);
		}
	}

	public void clearRequests() {
		requests.clear();
	}

	@Override
	public void close() {
		server.stop(0);
		cdn.stop(0);
		executor.shutdownNow();
	}

	public static String sha256Hex(byte[] content) {
		return hex("SHA-256", content);
	}

	/** Git's blob id, which the Hub sends as the ETag of a small file. */
	public static String gitBlobSha1(byte[] content) {
		byte[] head = ("blob " + content.length + "\0").getBytes(StandardCharsets.UTF_8);
		byte[] all = new byte[head.length + content.length];
		System.arraycopy(head, 0, all, 0, head.length);
		System.arraycopy(content, 0, all, head.length, content.length);
		return hex("SHA-1", all);
	}

	private static String hex(String algorithm, byte[] data) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	// ---- serving ---------------------------------------------------------------------------------

	private void handle(HttpExchange ex) throws IOException {
		Headers in = ex.getRequestHeaders();
		String method = ex.getRequestMethod();
		String rawPath = ex.getRequestURI().getRawPath();
		requests.add(new Request(method, rawPath, in.getFirst("Range"), in.getFirst("Authorization"),
				in.getFirst("User-Agent")));
		try {
			if (!method.equals("GET") && !method.equals("HEAD")) {
				send(ex, 405, null, null);
				return;
			}
			String[] seg = rawPath.split("/");
			if (seg.length == 3 && seg[1].equals("lfs-cdn")) {
				Entry e = lfsBySha.get(seg[2]);
				if (e == null) {
					send(ex, 404, null, null);
					return;
				}
				serveContent(ex, e, corruptedSha(seg[2]));
				return;
			}
			if (seg.length >= 7 && seg[1].equals("api") && seg[2].equals("resolve-cache") && seg[3].equals("models")) {
				// "", api, resolve-cache, models, ORG, NAME, COMMIT, FILE...
				String repo = decode(seg[4]) + "/" + decode(seg[5]);
				StringBuilder file = new StringBuilder();
				for (int i = 7; i < seg.length; i++) {
					file.append(i > 7 ? "/" : "").append(decode(seg[i]));
				}
				Entry e = trees.getOrDefault(repo, Map.of()).getOrDefault(seg[6], Map.of()).get(file.toString());
				if (e == null) {
					send(ex, 404, "EntryNotFound", null);
					return;
				}
				ex.getResponseHeaders().set("X-Repo-Commit", seg[6]);
				ex.getResponseHeaders().set("ETag", "\"" + e.gitSha1 + "\"");
				serveContent(ex, e, corrupted.containsKey(repo + "\n" + file));
				return;
			}
			// "", ORG, NAME, "resolve", REV, FILE...
			if (seg.length < 6 || !seg[3].equals("resolve")) {
				send(ex, 404, "RepoNotFound", null);
				return;
			}
			String repo = decode(seg[1]) + "/" + decode(seg[2]);
			String rev = decode(seg[4]);
			StringBuilder file = new StringBuilder();
			for (int i = 5; i < seg.length; i++) {
				file.append(i > 5 ? "/" : "").append(decode(seg[i]));
			}
			String token = requiredToken;
			if (token != null && !("Bearer " + token).equals(in.getFirst("Authorization"))) {
				send(ex, 401, null, null);
				return;
			}
			Map<String, Map<String, Entry>> tree = trees.get(repo);
			if (tree == null) {
				send(ex, 404, "RepoNotFound", null);
				return;
			}
			String commit = branches.getOrDefault(repo, Map.of()).getOrDefault(rev, tree.containsKey(rev) ? rev : null);
			if (commit == null) {
				send(ex, 404, "RevisionNotFound", null);
				return;
			}
			Entry e = tree.getOrDefault(commit, Map.of()).get(file.toString());
			Headers out = ex.getResponseHeaders();
			out.set("X-Repo-Commit", commit);
			if (e == null) {
				send(ex, 404, "EntryNotFound", null);
				return;
			}
			if (e.lfs) {
				out.set("ETag", "\"" + hex("SHA-1", ("version https://git-lfs.github.com/spec/v1\noid sha256:" + e.sha256)
						.getBytes(StandardCharsets.UTF_8)) + "\"");
				out.set("X-Linked-Etag", "\"" + e.sha256 + "\"");
				out.set("X-Linked-Size", Long.toString(e.content.length));
				if (corrupted.containsKey(repo + "\n" + file)) {
					corrupted.put("sha\n" + e.sha256, true);
				}
				send(ex, 302, null, (separateCdn ? cdnEndpoint() : "") + "/lfs-cdn/" + e.sha256);
				return;
			}
			if (viaResolveCache) {
				send(ex, 307, null, "/api/resolve-cache/models/" + seg[1] + "/" + seg[2] + "/" + commit + "/"
						+ rawPath.substring(rawPath.indexOf("/resolve/") + 9).split("/", 2)[1]);
				return;
			}
			out.set("ETag", "\"" + e.gitSha1 + "\"");
			serveContent(ex, e, corrupted.containsKey(repo + "\n" + file));
		} finally {
			ex.close();
		}
	}

	private boolean corruptedSha(String sha) {
		return corrupted.containsKey("sha\n" + sha);
	}

	private void serveContent(HttpExchange ex, Entry e, boolean corrupt) throws IOException {
		byte[] body = e.content;
		if (corrupt) {
			body = body.clone();
			for (int i = 0; i < body.length; i++) {
				body[i] = (byte) ~body[i];
			}
		}
		Headers out = ex.getResponseHeaders();
		out.set("Accept-Ranges", "bytes");
		int from = 0;
		int code = 200;
		String range = ex.getRequestHeaders().getFirst("Range");
		if (range != null && !ignoreRange && range.startsWith("bytes=") && range.endsWith("-")) {
			from = Integer.parseInt(range.substring(6, range.length() - 1));
			if (from >= body.length) {
				out.set("Content-Range", "bytes */" + body.length);
				send(ex, 416, null, null);
				return;
			}
			code = 206;
			out.set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
		}
		int length = body.length - from;
		if (ex.getRequestMethod().equals("HEAD")) {
			out.set("Content-Length", Integer.toString(length));
			ex.sendResponseHeaders(code, -1);
			return;
		}
		ex.sendResponseHeaders(code, length == 0 ? -1 : length);
		OutputStream os = ex.getResponseBody();
		int cut = cutAfter;
		if (cutsLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0 && cut < length) {
			os.write(body, from, cut);
			os.flush();
			// an exception out of the handler makes the server close the connection mid-body
			throw new IOException("LoopbackHub cut the connection after " + cut + " bytes, as asked");
		}
		os.write(body, from, length);
	}

	private static void send(HttpExchange ex, int code, String errorCode, String location) throws IOException {
		Headers out = ex.getResponseHeaders();
		if (errorCode != null) {
			out.set("X-Error-Code", errorCode);
		}
		if (location != null) {
			out.set("Location", location);
		}
		ex.sendResponseHeaders(code, -1);
	}

	private static String decode(String s) {
		return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
	}
}
