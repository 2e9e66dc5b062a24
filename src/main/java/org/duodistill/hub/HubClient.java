package org.duodistill.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Downloads files of a Hugging Face Hub model repo into huggingface_hub's own cache (see
 * {@link HubCache} for the layout), so that files Python downloaded are used here and the other way
 * round.
 *
 * <p>The protocol is huggingface_hub's: a HEAD on {@code {endpoint}/{repo}/resolve/{revision}/{file}}
 * without following redirects gives the commit ({@code X-Repo-Commit}), the blob's name
 * ({@code X-Linked-Etag}, an LFS file's SHA-256, else {@code ETag}) and size; an LFS file answers 302
 * to its content, which a GET then fetches into {@code blobs/<etag>.incomplete} (resumed with
 * {@code Range} after a cut, up to {@value #MAX_RETRIES} times within one fetch, and again on the next
 * fetch), checks against the SHA-256 and renames into place, before the snapshot symlink and the ref
 * are written. The token goes only to the endpoint's own host, not to the CDN a redirect points to.
 *
 * <p><b>Deliberate difference from huggingface_hub:</b> when every requested file is already in the
 * snapshot that {@code refs/<revision>} points to, no request at all is made; huggingface_hub sends a
 * HEAD to see whether the branch moved. A teacher must not change under a study because someone
 * pushed to {@code main}; to take a newer commit name it ({@code hf-hub:ORG/NAME@<commit>}) or delete
 * the ref. A revision that is a commit hash is immutable anyway. With {@code HF_HUB_OFFLINE} set no
 * request is ever made.
 *
 * <p>Thread-safe; downloads of the same blob by several threads (or, through a file lock on
 * {@code .locks/}, several DuoDistill processes) happen once.
 */
public final class HubClient {
	static final int MAX_RETRIES = 3;
	private static final int MAX_REDIRECTS = 10;
	private static final int CONNECT_TIMEOUT_MS = 10_000;
	private static final int READ_TIMEOUT_MS = 30_000;
	private static final long REPORT_EVERY_NANOS = 250_000_000L;
	private static final ConcurrentHashMap<Path, Object> BLOB_LOCKS = new ConcurrentHashMap<>();
	private static final String USER_AGENT = "duodistill/" + ownVersion();

	private final HubSettings settings;
	private final HubCache cache;
	private final AtomicInteger requests = new AtomicInteger();

	public HubClient(HubSettings settings) {
		this.settings = Objects.requireNonNull(settings, "settings");
		this.cache = new HubCache(settings.cacheDir());
	}

	public HubSettings settings() {
		return settings;
	}

	/** HTTP requests this client has made (HEADs, GETs and followed redirects each count one). */
	public int requestCount() {
		return requests.get();
	}

	/**
	 * The snapshot if every file is already in the cache for this revision (no network at all), else
	 * empty.
	 */
	public Optional<HubSnapshot> cached(HubRepoId id, List<String> files) {
		return cache.snapshot(Objects.requireNonNull(id, "id"), checkFiles(id, files));
	}

	/**
	 * Ensures the files are in the cache (downloading what is missing unless offline) and returns
	 * their snapshot paths. Files already cached for the revision cause no request (see the class
	 * comment).
	 */
	public HubSnapshot fetch(HubRepoId id, List<String> files, DownloadProgress progress) throws IOException {
		Objects.requireNonNull(id, "id");
		List<String> names = checkFiles(id, files);
		DownloadProgress p = progress == null ? DownloadProgress.NONE : progress;
		Optional<HubSnapshot> hit = cache.snapshot(id, names);
		if (hit.isPresent()) {
			return hit.get();
		}
		if (settings.offline()) {
			throw new HubException("hf-hub:" + id.repo() + "@" + id.revision() + " is not in the Hugging Face cache "
					+ settings.cacheDir() + " and HF_HUB_OFFLINE is set"
					+ (names.size() == 1 ? " (" + names.get(0) + " is missing)" : " (files: " + String.join(", ", names) + ")"));
		}
		// One HEAD per file; the first fixes the commit, the others ask for that commit so that all
		// files come from one snapshot even if the branch moves meanwhile.
		List<Meta> metas = new ArrayList<>();
		String commit = null;
		for (String name : names) {
			Meta m = head(id, commit == null ? id.revision() : commit, name, names);
			if (commit == null) {
				commit = m.commit;
			}
			metas.add(m);
		}
		Map<String, Path> paths = new LinkedHashMap<>();
		Map<String, String> sha = new LinkedHashMap<>();
		boolean announced = false;
		for (Meta m : metas) {
			Path pointer = cache.pointer(id, commit, m.file);
			Path blob = cache.blob(id, m.etag);
			String digest;
			if (Files.isRegularFile(pointer)) {
				digest = HubCache.sha256Of(pointer, m.etag);
			} else if (Files.isRegularFile(blob)) {
				HubCache.link(blob, pointer, false);
				digest = HubCache.sha256Of(pointer, m.etag);
			} else {
				if (!announced) {
					p.repository(id);
					announced = true;
				}
				Downloaded d = downloadBlob(id, m, p, names);
				HubCache.link(blob, pointer, d.newBlob);
				digest = d.sha256 != null ? d.sha256 : HubCache.sha256Of(pointer, m.etag);
			}
			paths.put(m.file, pointer);
			sha.put(m.file, digest);
		}
		if (!id.revision().equals(commit)) {
			cache.writeRef(id, commit);
		}
		return new HubSnapshot(id, commit, paths, sha, false);
	}

	// ---- HEAD: commit, etag, size -------------------------------------------------------------

	private record Meta(String file, String commit, String etag, long size, URI content) {}

	private Meta head(HubRepoId id, String revision, String file, List<String> allFiles) throws IOException {
		URI uri = resolveUri(id, revision, file);
		String commit = null;
		for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
			HttpURLConnection c = open(uri, "HEAD", -1);
			int code = status(c, id, allFiles);
			if (c.getHeaderField("X-Repo-Commit") != null) {
				commit = c.getHeaderField("X-Repo-Commit");
			}
			boolean tagged = c.getHeaderField("X-Linked-Etag") != null || c.getHeaderField("ETag") != null;
			if (code >= 300 && code < 400) {
				URI next = location(c, uri, id, file);
				drain(c);
				if (commit == null || !tagged) {
					// a renamed repo, or a small file served from elsewhere on the Hub: the
					// metadata is further on (huggingface_hub follows such redirects too)
					uri = next;
					continue;
				}
				return meta(id, file, c, commit, next, false);
			}
			if (code >= 200 && code < 300) {
				drain(c);
				URI content = hop == 0 && commit != null && HubCache.isCommit(commit.strip())
						? resolveUri(id, commit.strip(), file) : uri;
				return meta(id, file, c, commit, content, true);
			}
			throw httpError(id, revision, file, c, code);
		}
		throw new HubException("too many redirects for " + file + " of " + id.display() + " on " + settings.endpoint());
	}

	private Meta meta(HubRepoId id, String file, HttpURLConnection c, String commit, URI content, boolean direct)
			throws HubException {
		if (commit == null || !HubCache.isCommit(commit.strip())) {
			throw new HubException(settings.endpoint() + " answered for " + file + " of " + id.display()
					+ " without a commit (X-Repo-Commit" + (commit == null ? "" : " '" + commit + "'")
					+ "): is HF_ENDPOINT a Hugging Face Hub?");
		}
		String etag = normalizeEtag(c.getHeaderField("X-Linked-Etag"));
		if (etag == null) {
			etag = normalizeEtag(c.getHeaderField("ETag"));
		}
		if (etag == null || !etag.matches("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")) {
			throw new HubException(settings.endpoint() + " answered for " + file + " of " + id.display()
					+ (etag == null ? " without an ETag" : " with an unusable ETag '" + etag + "'")
					+ ", which the cache needs as the blob's name: is HF_ENDPOINT a Hugging Face Hub?");
		}
		long size = parseLong(c.getHeaderField("X-Linked-Size"));
		if (size < 0 && direct) {
			size = c.getContentLengthLong();
		}
		return new Meta(file, commit.strip(), etag, size, content);
	}

	/** Strips a weak marker {@code W/} and the quotes. */
	static String normalizeEtag(String etag) {
		if (etag == null) {
			return null;
		}
		String e = etag.strip();
		if (e.startsWith("W/")) {
			e = e.substring(2);
		}
		if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
			e = e.substring(1, e.length() - 1);
		}
		return e.isEmpty() ? null : e;
	}

	// ---- GET: the content into blobs/<etag> ------------------------------------------------------

	private record Downloaded(String sha256, boolean newBlob) {}

	/** Thrown inside a transfer for a cut that a Range request may mend. */
	private static final class CutException extends IOException {
		private static final long serialVersionUID = 1L;

		CutException(String message, Throwable cause) {
			super(message, cause);
		}
	}

	private Downloaded downloadBlob(HubRepoId id, Meta m, DownloadProgress p, List<String> allFiles) throws IOException {
		Path blob = cache.blob(id, m.etag);
		synchronized (BLOB_LOCKS.computeIfAbsent(blob, k -> new Object())) {
			Files.createDirectories(blob.getParent());
			try (HeldLock lock = HeldLock.on(cache.lockFile(id, m.etag))) {
				if (Files.isRegularFile(blob)) { // another process got it meanwhile
					return new Downloaded(null, false);
				}
				Path part = cache.incomplete(id, m.etag);
				Transfer t = new Transfer(id, m, part, p, allFiles);
				try {
					t.run();
				} catch (HubCancelledException e) {
					Files.deleteIfExists(part);
					throw e;
				}
				HubCache.moveAtomically(part, blob);
				p.finished(m.file, t.have);
				return new Downloaded(t.hex, true);
			}
		}
	}

	/** A cross-process lock on huggingface_hub's lock file of a blob; a no-op where the file system has none. */
	private record HeldLock(FileChannel channel, FileLock lock) implements AutoCloseable {
		static HeldLock on(Path lockFile) {
			FileChannel ch = null;
			try {
				Files.createDirectories(lockFile.getParent());
				ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				return new HeldLock(ch, ch.lock());
			} catch (IOException | RuntimeException e) { // e.g. a network share without locks: go on unlocked
				if (ch != null) {
					try {
						ch.close();
					} catch (IOException ignored) {
						// nothing held
					}
				}
				return new HeldLock(null, null);
			}
		}

		@Override
		public void close() throws IOException {
			if (channel != null) {
				channel.close(); // releases the lock
			}
		}
	}

	/** One file's transfer into its .incomplete file, with resumption and the SHA-256 check. */
	private final class Transfer {
		final HubRepoId id;
		final Meta m;
		final Path part;
		final DownloadProgress p;
		final List<String> allFiles;
		MessageDigest digest;
		long have;
		long total;
		long sessionBytes;
		long startNanos;
		long lastReport;
		String hex;

		Transfer(HubRepoId id, Meta m, Path part, DownloadProgress p, List<String> allFiles) {
			this.id = id;
			this.m = m;
			this.part = part;
			this.p = p;
			this.allFiles = allFiles;
			this.total = m.size;
		}

		void run() throws IOException {
			digest = HubCache.sha256();
			have = 0;
			if (Files.isRegularFile(part)) {
				long size = Files.size(part);
				if (total >= 0 && size > total) {
					Files.delete(part);
				} else {
					have = hashExisting();
				}
			}
			startNanos = System.nanoTime();
			lastReport = startNanos;
			checkCancelled();
			p.started(m.file, total, have);
			int cuts = 0;
			while (!(total >= 0 && have >= total)) {
				checkCancelled();
				try {
					if (getOnce()) {
						break;
					}
				} catch (CutException e) {
					if (++cuts > MAX_RETRIES) {
						throw new HubException("the download of " + m.file + " from " + id.display() + " was cut "
								+ cuts + " times (" + reason(e.getCause() != null ? e.getCause() : e) + "); " + have
								+ (total >= 0 ? " of " + total : "") + " bytes are kept in " + part
								+ ": run again to resume", e);
					}
				}
			}
			p.advanced(m.file, have, total, speed());
			hex = HexFormat.of().formatHex(digest.digest());
			if (total >= 0 && have != total) {
				Files.deleteIfExists(part);
				throw new HubException(m.file + " of " + id.display() + " came with " + have + " bytes instead of "
						+ total + "; the download was discarded");
			}
			if (HubCache.isSha256(m.etag) && !m.etag.equals(hex)) {
				Files.deleteIfExists(part);
				throw new HubException(m.file + " of " + id.display() + " failed its SHA-256 check: expected " + m.etag
						+ ", got " + hex + "; the download was discarded");
			}
		}

		private long hashExisting() throws IOException {
			long n = 0;
			try (InputStream in = Files.newInputStream(part)) {
				byte[] buf = new byte[1 << 16];
				int r;
				while ((r = in.read(buf)) > 0) {
					digest.update(buf, 0, r);
					n += r;
				}
			}
			return n;
		}

		private void restart() throws IOException {
			Files.deleteIfExists(part);
			digest.reset();
			have = 0;
		}

		/** One GET (following redirects); true when the body ended and no size says more is due. */
		private boolean getOnce() throws IOException {
			URI uri = m.content;
			for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
				HttpURLConnection c;
				int code;
				try {
					c = open(uri, "GET", have > 0 ? have : -1);
					code = status(c, id, allFiles);
				} catch (HubException e) {
					throw e;
				} catch (IOException e) {
					throw new CutException("no answer", e);
				}
				if (code >= 300 && code < 400) {
					uri = location(c, uri, id, m.file);
					drain(c);
					continue;
				}
				if (code == 416) { // the range is past the end: the .incomplete is not what we thought
					drain(c);
					restart();
					continue;
				}
				long end;
				boolean append;
				if (code == 206) {
					long[] range = contentRange(c.getHeaderField("Content-Range"));
					if (range == null || range[0] != have) {
						drain(c);
						restart();
						continue;
					}
					end = range[1] >= 0 ? range[1] : have + Math.max(-1, c.getContentLengthLong());
					append = true;
				} else if (code == 200) {
					if (have > 0) { // the server ignored Range: start over
						restart();
					}
					end = c.getContentLengthLong();
					append = false;
				} else {
					throw httpError(id, id.revision(), m.file, c, code);
				}
				if (end >= 0 && total < 0) {
					total = end;
				}
				stream(c, append);
				if (end >= 0 && have < end) {
					throw new CutException("the connection closed after " + have + " of " + end + " bytes", null);
				}
				return true;
			}
			throw new HubException("too many redirects for " + m.file + " of " + id.display());
		}

		private void stream(HttpURLConnection c, boolean append) throws IOException {
			InputStream body;
			try {
				body = c.getInputStream();
			} catch (IOException e) {
				throw new CutException("no body", e);
			}
			try (InputStream in = body;
					OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
							append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
				byte[] buf = new byte[1 << 16];
				while (true) {
					checkCancelled();
					int n;
					try {
						n = in.read(buf);
					} catch (IOException e) {
						throw new CutException("cut while reading", e);
					}
					if (n < 0) {
						break;
					}
					out.write(buf, 0, n);
					digest.update(buf, 0, n);
					have += n;
					sessionBytes += n;
					long now = System.nanoTime();
					if (now - lastReport >= REPORT_EVERY_NANOS) {
						lastReport = now;
						p.advanced(m.file, have, total, speed());
					}
				}
			}
		}

		private double speed() {
			double s = (System.nanoTime() - startNanos) / 1e9;
			return s > 0 ? sessionBytes / s : 0;
		}

		private void checkCancelled() throws HubCancelledException {
			if (p.cancelled()) {
				throw new HubCancelledException("the download of " + m.file + " from " + id.display()
						+ " was cancelled; nothing of it was kept");
			}
		}
	}

	/** {start, total} of {@code bytes start-end/total} (total -1 for {@code *}); null if unreadable. */
	static long[] contentRange(String header) {
		if (header == null) {
			return null;
		}
		String h = header.strip();
		if (!h.startsWith("bytes ")) {
			return null;
		}
		h = h.substring(6).strip();
		int dash = h.indexOf('-');
		int slash = h.indexOf('/');
		if (dash < 0 || slash < dash) {
			return null;
		}
		long start = parseLong(h.substring(0, dash));
		String t = h.substring(slash + 1).strip();
		long total = t.equals("*") ? -1 : parseLong(t);
		return start < 0 ? null : new long[] { start, total };
	}

	// ---- HTTP plumbing -------------------------------------------------------------------------

	private URI resolveUri(HubRepoId id, String revision, String file) {
		StringBuilder path = new StringBuilder();
		for (String segment : file.split("/")) {
			path.append('/').append(encode(segment));
		}
		return URI.create(settings.endpoint() + "/" + id.repo() + "/resolve/" + encode(revision) + path);
	}

	/** Percent-encodes all but RFC 3986's unreserved characters (so {@code refs/pr/1} -> {@code refs%2Fpr%2F1}). */
	static String encode(String s) {
		StringBuilder b = new StringBuilder();
		for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
			char ch = (char) (x & 0xff);
			if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'
					|| ch == '_' || ch == '~') {
				b.append(ch);
			} else {
				b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
						.append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
			}
		}
		return b.toString();
	}

	private HttpURLConnection open(URI uri, String method, long rangeFrom) throws IOException {
		HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
		c.setRequestMethod(method);
		c.setInstanceFollowRedirects(false);
		c.setUseCaches(false);
		c.setConnectTimeout(CONNECT_TIMEOUT_MS);
		c.setReadTimeout(READ_TIMEOUT_MS);
		c.setRequestProperty("User-Agent", USER_AGENT);
		c.setRequestProperty("Accept-Encoding", "identity");
		if (rangeFrom > 0) {
			c.setRequestProperty("Range", "bytes=" + rangeFrom + "-");
		}
		if (settings.token() != null && sameOrigin(uri)) {
			c.setRequestProperty("Authorization", "Bearer " + settings.token());
		}
		requests.incrementAndGet();
		return c;
	}

	private boolean sameOrigin(URI uri) {
		URI e = URI.create(settings.endpoint());
		return eq(e.getScheme(), uri.getScheme()) && eq(e.getHost(), uri.getHost()) && port(e) == port(uri);
	}

	private static boolean eq(String a, String b) {
		return a != null && a.equalsIgnoreCase(b);
	}

	private static int port(URI u) {
		return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
	}

	/** The status code; a refused connection, unknown host or timeout becomes a one-line HubException. */
	private int status(HttpURLConnection c, HubRepoId id, List<String> files) throws IOException {
		try {
			return c.getResponseCode();
		} catch (ConnectException | UnknownHostException | NoRouteToHostException | SocketTimeoutException e) {
			throw unreachable(id, files, e);
		} catch (javax.net.ssl.SSLException e) {
			throw new HubException("no secure connection to " + settings.endpoint() + " for " + id.display() + " ("
					+ reason(e) + "); a proxy or firewall may be in the way", e);
		}
	}

	private HubException unreachable(HubRepoId id, List<String> files, IOException e) {
		String hint;
		Optional<String> cachedCommit = cache.anySnapshotWith(id, files);
		if (cachedCommit.isPresent()) {
			hint = "the Hugging Face cache " + settings.cacheDir() + " has these files at commit " + cachedCommit.get()
					+ ": use hf-hub:" + id.repo() + "@" + cachedCommit.get() + " (with HF_HUB_OFFLINE=1 no request is tried)";
		} else if (Files.isDirectory(cache.repoDir(id))) {
			hint = "the Hugging Face cache " + settings.cacheDir() + " holds only part of it; with HF_HUB_OFFLINE=1 only"
					+ " cached files are used";
		} else {
			hint = "check the network, HF_ENDPOINT or the proxy (-Dhttps.proxyHost); it is not in the Hugging Face cache "
					+ settings.cacheDir() + ", where HF_HUB_OFFLINE=1 would look";
		}
		return new HubException("cannot reach " + settings.endpoint() + " for " + id.display() + " (" + reason(e) + "); "
				+ hint, e);
	}

	private HubException httpError(HubRepoId id, String revision, String file, HttpURLConnection c, int code) {
		String errorCode = c.getHeaderField("X-Error-Code");
		String serverSays = c.getHeaderField("X-Error-Message");
		drain(c);
		String at = "hf-hub:" + id.repo() + "@" + revision;
		if (code == 401 || code == 403) {
			String sent = settings.token() == null ? "no token was sent"
					: "the token sent (HF_TOKEN) was refused with HTTP " + code;
			String what = "GatedRepo".equals(errorCode)
					? "gated repo: accept its conditions on " + settings.endpoint() + "/" + id.repo() + " with the token's account"
					: "RepoNotFound".equals(errorCode) ? "gated or private repo, or none of that name" : "gated or private repo";
			return new HubException(id.display() + " needs authorisation: set HF_TOKEN to a token that can read it (" + what
					+ "); " + sent);
		}
		if (code == 404) {
			if ("model.safetensors".equals(baseName(file)) && !"RepoNotFound".equals(errorCode)
					&& !"RevisionNotFound".equals(errorCode) && exists(id, revision, siblingOf(file, "pytorch_model.bin"))) {
				return new HubException(id.display() + " has only pytorch_model.bin, a Python pickle, which DuoDistill does"
						+ " not load; use a repo with model.safetensors (timm's own repos have it) or convert it with"
						+ " safetensors.torch.save_file");
			}
			String which = "RepoNotFound".equals(errorCode) ? "no such repo"
					: "RevisionNotFound".equals(errorCode) ? "no such revision " + revision
					: "EntryNotFound".equals(errorCode) ? "no file " + file + " at that revision"
					: "no such repo, revision or file " + file;
			return new HubException(at + " not found on " + settings.endpoint() + " (" + which + ")");
		}
		String detail = serverSays != null ? ": " + serverSays : errorCode != null ? ": " + errorCode : "";
		if (code == 429) {
			return new HubException(settings.endpoint() + " refuses more requests for now (HTTP 429" + detail + ") while"
					+ " fetching " + file + " of " + at + "; try again in a few minutes");
		}
		if (code >= 500) {
			return new HubException(settings.endpoint() + " failed with HTTP " + code + detail + " for " + file + " of " + at
					+ "; try again later");
		}
		return new HubException("unexpected HTTP " + code + detail + " for " + file + " of " + at + " from "
				+ settings.endpoint());
	}

	/** Whether a file exists (HEAD 2xx or 3xx); any failure counts as no. */
	private boolean exists(HubRepoId id, String revision, String file) {
		try {
			HttpURLConnection c = open(resolveUri(id, revision, file), "HEAD", -1);
			int code = c.getResponseCode();
			drain(c);
			return code >= 200 && code < 400;
		} catch (IOException | RuntimeException e) {
			return false;
		}
	}

	private static String baseName(String file) {
		return file.substring(file.lastIndexOf('/') + 1);
	}

	private static String siblingOf(String file, String name) {
		int slash = file.lastIndexOf('/');
		return slash < 0 ? name : file.substring(0, slash + 1) + name;
	}

	private URI location(HttpURLConnection c, URI base, HubRepoId id, String file) throws HubException {
		String loc = c.getHeaderField("Location");
		if (loc == null || loc.isBlank()) {
			throw new HubException(settings.endpoint() + " redirected " + file + " of " + id.display() + " without a Location");
		}
		try {
			return base.resolve(new URI(loc.strip()));
		} catch (URISyntaxException | IllegalArgumentException e) {
			throw new HubException(settings.endpoint() + " redirected " + file + " of " + id.display()
					+ " to an unusable Location '" + loc + "'");
		}
	}

	/** Reads and closes whatever body an answer has, so that the connection can be reused. */
	private static void drain(HttpURLConnection c) {
		try {
			InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream();
			if (in != null) {
				try (in) {
					in.transferTo(OutputStream.nullOutputStream());
				}
			}
		} catch (IOException e) {
			c.disconnect();
		}
	}

	private static String reason(Throwable e) {
		String msg = e.getMessage();
		String name = e.getClass().getSimpleName();
		return HubException.oneLine(msg == null || msg.isBlank() ? name : name + ": " + msg);
	}

	private static long parseLong(String s) {
		if (s == null) {
			return -1;
		}
		try {
			return Long.parseLong(s.strip());
		} catch (NumberFormatException e) {
			return -1;
		}
	}

	/** The file names, checked: relative, '/'-separated, no empty, '.' or '..' parts. */
	private static List<String> checkFiles(HubRepoId id, List<String> files) {
		if (files == null || files.isEmpty()) {
			throw new IllegalArgumentException("no file named to fetch from " + id.display());
		}
		List<String> out = new ArrayList<>();
		for (String f : files) {
			boolean bad = f == null || f.isEmpty() || f.contains("\\") || f.startsWith("/") || f.indexOf(':') >= 0;
			if (!bad) {
				for (String part : f.split("/", -1)) {
					bad |= part.isEmpty() || part.equals(".") || part.equals("..");
				}
			}
			if (bad) {
				throw new IllegalArgumentException("'" + HubException.oneLine(String.valueOf(f)) + "' is not a file path inside "
						+ id.display() + " (relative, '/'-separated, no '..')");
			}
			if (!out.contains(f)) {
				out.add(f);
			}
		}
		return out;
	}

	private static String ownVersion() {
		try (InputStream in = HubClient.class.getResourceAsStream("/org/duodistill/version.properties")) {
			if (in != null) {
				Properties p = new Properties();
				p.load(in);
				String v = p.getProperty("version");
				if (v != null && !v.isBlank() && !v.contains("${")) {
					return v.strip();
				}
			}
		} catch (IOException e) {
			// informative only
		}
		String v = HubClient.class.getPackage().getImplementationVersion();
		return v != null ? v : "unknown";
	}
}
