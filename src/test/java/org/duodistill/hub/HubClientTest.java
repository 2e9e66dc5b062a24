package org.duodistill.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HubClient against a real HTTP server on the loopback interface, and against hand-made caches. */
@Timeout(10)
class HubClientTest {
	static final String REPO = "timm/resnet18.a1_in1k";
	static final HubRepoId ID = HubRepoId.parse("hf-hub:" + REPO);
	static final List<String> FILES = List.of("config.json", "model.safetensors");

	@TempDir
	Path cache;
	LoopbackHub hub;
	byte[] weights;
	byte[] config;
	String sha;
	String commit;

	@BeforeEach
	void serve() throws IOException {
		hub = new LoopbackHub();
		weights = new byte[300_000];
		new Random(7).nextBytes(weights);
		config = "{\"architecture\": \"resnet18\", \"num_classes\": 1000}".getBytes(StandardCharsets.UTF_8);
		sha = LoopbackHub.sha256Hex(weights);
		commit = hub.addFile(REPO, "main", "config.json", config, false);
		hub.addFile(REPO, "main", "model.safetensors", weights, true);
	}

	@AfterEach
	void stop() {
		hub.close();
	}

	HubClient client() {
		return new HubClient(new HubSettings(hub.endpoint(), null, cache, false));
	}

	Path repoDir() {
		return cache.resolve("models--timm--resnet18.a1_in1k");
	}

	/** Every regular file and link under a folder, relative, sorted. */
	static List<String> listing(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return List.of();
		}
		try (Stream<Path> s = Files.walk(dir)) {
			return s.filter(p -> Files.isRegularFile(p) || Files.isSymbolicLink(p)).map(p -> dir.relativize(p).toString())
					.sorted().collect(Collectors.toList());
		}
	}

	static void assertOneLine(Throwable e) {
		assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
	}

	static String refusingEndpoint() throws IOException {
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return "http://127.0.0.1:" + s.getLocalPort();
		}
	}

	@Test
	void firstDownloadFillsTheCacheInHuggingFaceHubsLayout() throws IOException {
		HubClient client = client();
		HubSnapshot snap = client.fetch(ID, FILES, DownloadProgress.NONE);

		assertEquals(commit, snap.commit());
		assertFalse(snap.fromCacheOnly());
		Path model = repoDir().resolve("snapshots").resolve(commit).resolve("model.safetensors");
		assertEquals(model, snap.files().get("model.safetensors"));
		assertTrue(Files.isSymbolicLink(model));
		assertEquals(Paths.get("../../blobs/" + sha), Files.readSymbolicLink(model));
		assertEquals("../../blobs/" + sha, Files.readSymbolicLink(model).toString().replace('\\', '/'));
		assertArrayEquals(weights, Files.readAllBytes(repoDir().resolve("blobs").resolve(sha)));
		assertArrayEquals(weights, Files.readAllBytes(model));

		String gitSha = LoopbackHub.gitBlobSha1(config);
		Path cfg = snap.files().get("config.json");
		assertEquals(Paths.get("../../blobs/" + gitSha), Files.readSymbolicLink(cfg));
		assertArrayEquals(config, Files.readAllBytes(cfg));

		assertEquals(commit, Files.readString(repoDir().resolve("refs/main")), "refs/main holds the commit, no newline");
		assertEquals(sha, snap.sha256().get("model.safetensors"));
		assertEquals(LoopbackHub.sha256Hex(config), snap.sha256().get("config.json"));
		assertEquals(Stream.of("blobs/" + gitSha, "blobs/" + sha, "refs/main", "snapshots/" + commit + "/config.json",
				"snapshots/" + commit + "/model.safetensors").sorted().collect(Collectors.toList()), listing(repoDir()));

		// two HEADs and two GETs; the LFS GET goes straight to the redirect's target
		assertEquals(4, hub.requestCount());
		assertEquals(4, client.requestCount());
		List<LoopbackHub.Request> r = hub.requests();
		assertEquals("HEAD", r.get(0).method());
		assertEquals("/timm/resnet18.a1_in1k/resolve/main/config.json", r.get(0).path());
		assertTrue(r.stream().anyMatch(q -> q.method().equals("GET") && q.path().equals("/lfs-cdn/" + sha)));
		assertTrue(r.stream().allMatch(q -> q.userAgent() != null && q.userAgent().startsWith("duodistill/")));
		assertTrue(r.stream().allMatch(q -> q.authorization() == null), "no token, no Authorization header");
	}

	@Test
	void secondFetchMakesNoRequest() throws IOException {
		client().fetch(ID, FILES, DownloadProgress.NONE);
		int before = hub.requestCount();
		HubClient again = client();
		assertTrue(again.cached(ID, FILES).isPresent());
		HubSnapshot snap = again.fetch(ID, FILES, DownloadProgress.NONE);
		assertTrue(snap.fromCacheOnly());
		assertEquals(sha, snap.sha256().get("model.safetensors"));
		assertEquals(LoopbackHub.sha256Hex(config), snap.sha256().get("config.json"));
		assertEquals(0, again.requestCount());
		assertEquals(before, hub.requestCount());
	}

	/** Lays out a cache by hand as huggingface_hub does; returns the commit. */
	String handMadeCache() throws IOException {
		String c = "4f2d3c1b0a99887766554433221100ffeeddccbb";
		Path repo = repoDir();
		Files.createDirectories(repo.resolve("blobs"));
		Files.write(repo.resolve("blobs").resolve(sha), weights);
		String cfgEtag = LoopbackHub.gitBlobSha1(config);
		Files.write(repo.resolve("blobs").resolve(cfgEtag), config);
		Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(c));
		Files.createSymbolicLink(snap.resolve("model.safetensors"), Paths.get("..", "..", "blobs", sha));
		Files.createSymbolicLink(snap.resolve("config.json"), Paths.get("..", "..", "blobs", cfgEtag));
		Files.createDirectories(repo.resolve("refs"));
		Files.writeString(repo.resolve("refs/main"), c);
		return c;
	}

	@Test
	void cacheMadeByHuggingFaceHubIsUsedOffline() throws IOException {
		hub.close(); // no server at all
		String c = handMadeCache();
		HubSettings offline = HubSettings.from(Map.of("HF_HUB_CACHE", cache.toString(), "HF_HUB_OFFLINE", "1"), cache);
		HubClient client = new HubClient(offline);
		HubSnapshot snap = client.fetch(ID, FILES, DownloadProgress.NONE);
		assertEquals(c, snap.commit());
		assertTrue(snap.fromCacheOnly());
		assertArrayEquals(weights, Files.readAllBytes(snap.files().get("model.safetensors")));
		assertEquals(sha, snap.sha256().get("model.safetensors"));
		assertEquals(LoopbackHub.sha256Hex(config), snap.sha256().get("config.json"));
		assertEquals(0, client.requestCount());
		// the same commit named explicitly
		HubRepoId pinned = HubRepoId.parse("hf-hub:" + REPO + "@" + c);
		assertEquals(c, client.fetch(pinned, FILES, DownloadProgress.NONE).commit());
	}

	@Test
	void cacheMadeByHuggingFaceHubIsUsedWhenTheEndpointRefusesConnections() throws IOException {
		hub.close();
		String c = handMadeCache();
		HubClient client = new HubClient(new HubSettings(refusingEndpoint(), "hf_x", cache, false));
		HubSnapshot snap = client.fetch(ID, List.of("model.safetensors"), DownloadProgress.NONE);
		assertEquals(c, snap.commit());
		assertEquals(0, client.requestCount());
	}

	@Test
	void refusedConnectionWithoutCacheIsOneLineNamingTheEndpoint() throws IOException {
		String endpoint = refusingEndpoint();
		HubClient client = new HubClient(new HubSettings(endpoint, null, cache, false));
		HubException e = assertThrows(HubException.class, () -> client.fetch(ID, FILES, DownloadProgress.NONE));
		assertOneLine(e);
		assertTrue(e.getMessage().contains("cannot reach " + endpoint), e.getMessage());
		assertTrue(e.getMessage().contains(ID.display()), e.getMessage());
		assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
	}

	@Test
	void refusedConnectionSuggestsACachedCommit() throws IOException {
		String c = handMadeCache();
		Files.delete(repoDir().resolve("refs/main")); // the snapshot is there, its branch name is not
		HubClient client = new HubClient(new HubSettings(refusingEndpoint(), null, cache, false));
		HubException e = assertThrows(HubException.class, () -> client.fetch(ID, FILES, DownloadProgress.NONE));
		assertOneLine(e);
		assertTrue(e.getMessage().contains("hf-hub:" + REPO + "@" + c), e.getMessage());
	}

	@Test
	void cutDownloadResumesWithRange() throws IOException {
		hub.cutAfterBytes(100_000, 1);
		HubSnapshot snap = client().fetch(ID, List.of("model.safetensors"), DownloadProgress.NONE);
		assertArrayEquals(weights, Files.readAllBytes(snap.files().get("model.safetensors")));
		assertEquals(sha, snap.sha256().get("model.safetensors"));
		List<String> ranges = hub.requests().stream().filter(q -> q.range() != null).map(LoopbackHub.Request::range)
				.collect(Collectors.toList());
		assertEquals(List.of("bytes=100000-"), ranges);
		assertEquals(List.of("blobs/" + sha, "refs/main", "snapshots/" + commit + "/model.safetensors"), listing(repoDir()));
	}

	@Test
	void downloadCutMoreOftenThanRetriedIsResumedByTheNextFetch() throws IOException {
		hub.cutAfterBytes(50_000, HubClient.MAX_RETRIES + 1);
		HubException e = assertThrows(HubException.class,
				() -> client().fetch(ID, List.of("model.safetensors"), DownloadProgress.NONE));
		assertOneLine(e);
		assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains(ID.display()), e.getMessage());
		Path part = repoDir().resolve("blobs").resolve(sha + ".incomplete");
		assertEquals(50_000L * (HubClient.MAX_RETRIES + 1), Files.size(part));
		assertEquals(List.of("blobs/" + sha + ".incomplete"), listing(repoDir()), "no blob, no snapshot, no ref yet");

		hub.clearRequests();
		HubSnapshot snap = client().fetch(ID, List.of("model.safetensors"), DownloadProgress.NONE);
		assertArrayEquals(weights, Files.readAllBytes(snap.files().get("model.safetensors")));
		assertEquals(List.of("bytes=" + 50_000 * (HubClient.MAX_RETRIES + 1) + "-"), hub.requests().stream()
				.map(LoopbackHub.Request::range).filter(r -> r != null).collect(Collectors.toList()));
		assertFalse(Files.exists(part));
	}

	@Test
	void checksumMismatchIsRefusedAndLeavesNothing() throws IOException {
		hub.corrupt(REPO, "model.safetensors");
		HubException e = assertThrows(HubException.class,
				() -> client().fetch(ID, List.of("model.safetensors"), DownloadProgress.NONE));
		assertOneLine(e);
		assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("SHA-256")
				&& e.getMessage().contains("expected " + sha) && e.getMessage().contains("got "), e.getMessage());
		assertEquals(List.of(), listing(repoDir().resolve("blobs")));
		assertEquals(List.of(), listing(repoDir().resolve("snapshots")));
		assertFalse(Files.exists(repoDir().resolve("refs/main")));
	}

	@Test
	void offlineWithoutCacheSaysSoInOneLine() {
		HubClient client = new HubClient(new HubSettings(hub.endpoint(), null, cache, true));
		HubException e = assertThrows(HubException.class, () -> client.fetch(ID, FILES, DownloadProgress.NONE));
		assertOneLine(e);
		assertTrue(e.getMessage().startsWith("hf-hub:" + REPO + "@main is not in the Hugging Face cache " + cache),
				e.getMessage());
		assertTrue(e.getMessage().contains("HF_HUB_OFFLINE is set"), e.getMessage());
		assertEquals(0, hub.requestCount());
		assertTrue(client.cached(ID, FILES).isEmpty());
	}

	@Test
	void unauthorisedNamesHfToken() throws IOException {
		hub.requireToken("hf_secret");
		HubException none = assertThrows(HubException.class, () -> client().fetch(ID, FILES, DownloadProgress.NONE));
		assertOneLine(none);
		assertTrue(none.getMessage().contains(ID.display() + " needs authorisation: set HF_TOKEN"), none.getMessage());
		assertTrue(none.getMessage().contains("no token was sent"), none.getMessage());

		HubClient wrong = new HubClient(new HubSettings(hub.endpoint(), "hf_wrong", cache, false));
		HubException refused = assertThrows(HubException.class, () -> wrong.fetch(ID, FILES, DownloadProgress.NONE));
		assertTrue(refused.getMessage().contains("HF_TOKEN") && refused.getMessage().contains("refused"),
				refused.getMessage());
	}

	@Test
	void tokenIsSentAsBearer() throws IOException {
		hub.requireToken("hf_secret");
		HubClient client = new HubClient(new HubSettings(hub.endpoint(), "hf_secret", cache, false));
		HubSnapshot snap = client.fetch(ID, FILES, DownloadProgress.NONE);
		assertArrayEquals(weights, Files.readAllBytes(snap.files().get("model.safetensors")));
		assertTrue(hub.requests().stream().filter(q -> q.path().contains("/resolve/"))
				.allMatch(q -> "Bearer hf_secret".equals(q.authorization())));
	}

	@Test
	void notFoundNamesTheRepoAndWhatIsMissing() {
		HubClient client = client();
		HubException repo = assertThrows(HubException.class,
				() -> client.fetch(HubRepoId.parse("hf-hub:timm/nope"), FILES, DownloadProgress.NONE));
		assertOneLine(repo);
		assertEquals("hf-hub:timm/nope@main not found on " + hub.endpoint() + " (no such repo)", repo.getMessage());

		HubException rev = assertThrows(HubException.class,
				() -> client.fetch(HubRepoId.parse("hf-hub:" + REPO + "@v9"), FILES, DownloadProgress.NONE));
		assertTrue(rev.getMessage().contains("hf-hub:" + REPO + "@v9 not found") && rev.getMessage().contains("revision v9"),
				rev.getMessage());

		HubException file = assertThrows(HubException.class,
				() -> client.fetch(ID, List.of("open_clip_model.safetensors"), DownloadProgress.NONE));
		assertTrue(file.getMessage().contains("hf-hub:" + REPO + "@main not found")
				&& file.getMessage().contains("open_clip_model.safetensors"), file.getMessage());
	}

	@Test
	void pytorchPickleOnlyRepoIsRefused() throws IOException {
		hub.addFile("someone/old-model", "main", "config.json", config, false);
		hub.addFile("someone/old-model", "main", "pytorch_model.bin", weights, true);
		HubException e = assertThrows(HubException.class, () -> client()
				.fetch(HubRepoId.parse("hf-hub:someone/old-model"), FILES, DownloadProgress.NONE));
		assertOneLine(e);
		assertEquals("hf-hub:someone/old-model has only pytorch_model.bin, a Python pickle, which DuoDistill does not load;"
				+ " use a repo with model.safetensors (timm's own repos have it) or convert it with"
				+ " safetensors.torch.save_file", e.getMessage());
	}

	@Test
	void revisionGivenAsCommitHash() throws IOException {
		HubRepoId pinned = HubRepoId.parse("hf-hub:" + REPO + "@" + commit);
		HubSnapshot snap = client().fetch(pinned, FILES, DownloadProgress.NONE);
		assertEquals(commit, snap.commit());
		assertTrue(hub.requests().stream().filter(q -> q.method().equals("HEAD"))
				.allMatch(q -> q.path().contains("/resolve/" + commit + "/")));
		assertFalse(Files.exists(repoDir().resolve("refs")), "no ref for a commit");
		int before = hub.requestCount();
		HubClient again = client();
		assertTrue(again.fetch(pinned, FILES, DownloadProgress.NONE).fromCacheOnly());
		assertEquals(before, hub.requestCount());
	}

	@Test
	void pullRequestRevisionIsEncodedAndItsRefNested() throws IOException {
		String pr = hub.addFile(REPO, "refs/pr/1", "model.safetensors", weights, true);
		HubRepoId id = HubRepoId.parse("hf-hub:" + REPO + "@refs/pr/1");
		HubSnapshot snap = client().fetch(id, List.of("model.safetensors"), DownloadProgress.NONE);
		assertEquals(pr, snap.commit());
		assertEquals("/timm/resnet18.a1_in1k/resolve/refs%2Fpr%2F1/model.safetensors", hub.requests().get(0).path());
		assertEquals(pr, Files.readString(repoDir().resolve("refs/refs/pr/1")));
	}

	@Test
	void nestedFileGetsADeeperRelativeLink() throws IOException {
		hub.addFile(REPO, "main", "onnx/sub/model.safetensors", weights, true);
		HubSnapshot snap = client().fetch(ID, List.of("onnx/sub/model.safetensors"), DownloadProgress.NONE);
		Path p = snap.files().get("onnx/sub/model.safetensors");
		assertEquals(Paths.get("../../../../blobs/" + sha), Files.readSymbolicLink(p));
		assertArrayEquals(weights, Files.readAllBytes(p));
	}

	@Test
	void blobOfAnotherRevisionIsLinkedNotDownloaded() throws IOException {
		client().fetch(ID, FILES, DownloadProgress.NONE);
		byte[] config2 = "{\"architecture\": \"resnet18\", \"num_classes\": 10}".getBytes(StandardCharsets.UTF_8);
		String v2 = hub.addFile(REPO, "v2", "config.json", config2, false);
		hub.addFile(REPO, "v2", "model.safetensors", weights, true);
		hub.clearRequests();
		HubSnapshot snap = client().fetch(HubRepoId.parse("hf-hub:" + REPO + "@v2"), FILES, DownloadProgress.NONE);
		assertEquals(v2, snap.commit());
		assertArrayEquals(config2, Files.readAllBytes(snap.files().get("config.json")));
		assertTrue(hub.requests().stream().noneMatch(q -> q.path().startsWith("/lfs-cdn/")), "the weights were not fetched again");
		assertEquals(v2, Files.readString(repoDir().resolve("refs/v2")));
		assertEquals(commit, Files.readString(repoDir().resolve("refs/main")));
	}

	@Test
	void cancelLeavesNothingHalfWritten() throws IOException {
		AtomicInteger polls = new AtomicInteger();
		DownloadProgress cancelling = new DownloadProgress() {
			@Override
			public void started(String file, long totalBytes, long alreadyHave) {}

			@Override
			public void advanced(String file, long bytesDone, long totalBytes, double bytesPerSecond) {}

			@Override
			public void finished(String file, long totalBytes) {}

			@Override
			public boolean cancelled() {
				return polls.incrementAndGet() > 3; // a few chunks in
			}
		};
		HubCancelledException e = assertThrows(HubCancelledException.class,
				() -> client().fetch(ID, List.of("model.safetensors"), cancelling));
		assertOneLine(e);
		assertTrue(e.getMessage().contains("cancelled") && e.getMessage().contains("model.safetensors"), e.getMessage());
		assertTrue(polls.get() > 3);
		assertEquals(List.of(), listing(repoDir().resolve("blobs")));
		assertEquals(List.of(), listing(repoDir().resolve("snapshots")));
		assertFalse(Files.exists(repoDir().resolve("refs/main")));
	}

	@Test
	void progressIsReportedInOrder() throws IOException {
		List<String> events = new ArrayList<>();
		DownloadProgress recording = new DownloadProgress() {
			@Override
			public void repository(HubRepoId id) {
				events.add("repo " + id.display());
			}

			@Override
			public void started(String file, long totalBytes, long alreadyHave) {
				events.add("started " + file + " " + totalBytes + " " + alreadyHave);
			}

			@Override
			public void advanced(String file, long bytesDone, long totalBytes, double bytesPerSecond) {
				events.add("advanced " + file + " " + bytesDone + " " + totalBytes);
			}

			@Override
			public void finished(String file, long totalBytes) {
				events.add("finished " + file + " " + totalBytes);
			}
		};
		client().fetch(ID, FILES, recording);
		assertEquals(List.of("repo " + ID.display(), "started config.json " + config.length + " 0",
				"advanced config.json " + config.length + " " + config.length, "finished config.json " + config.length,
				"started model.safetensors 300000 0", "advanced model.safetensors 300000 300000",
				"finished model.safetensors 300000"), events);
	}

	@Test
	void serverIgnoringRangeMakesTheDownloadStartOver() throws IOException {
		hub.cutAfterBytes(100_000, 1);
		hub.ignoreRange(true);
		HubSnapshot snap = client().fetch(ID, List.of("model.safetensors"), DownloadProgress.NONE);
		assertArrayEquals(weights, Files.readAllBytes(snap.files().get("model.safetensors")));
		assertTrue(hub.requests().stream().anyMatch(q -> "bytes=100000-".equals(q.range())), "it asked for the rest");
	}

	@Test
	void smallFileRedirectedWithinTheHubIsFollowedForItsEtag() throws IOException {
		hub.smallFilesViaResolveCache(true);
		HubSnapshot snap = client().fetch(ID, FILES, DownloadProgress.NONE);
		Path cfg = snap.files().get("config.json");
		assertEquals(Paths.get("../../blobs/" + LoopbackHub.gitBlobSha1(config)), Files.readSymbolicLink(cfg));
		assertArrayEquals(config, Files.readAllBytes(cfg));
		assertEquals(commit, snap.commit());
	}

	@Test
	void concurrentFetchesDownloadOnce() throws Exception {
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
		try {
			List<java.util.concurrent.Future<HubSnapshot>> runs = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				runs.add(pool.submit(() -> client().fetch(ID, FILES, DownloadProgress.NONE)));
			}
			for (java.util.concurrent.Future<HubSnapshot> f : runs) {
				assertArrayEquals(weights, Files.readAllBytes(f.get().files().get("model.safetensors")));
			}
		} finally {
			pool.shutdownNow();
		}
		assertEquals(1, hub.requests().stream().filter(q -> q.path().startsWith("/lfs-cdn/")).count());
		assertEquals(Stream.of("blobs/" + LoopbackHub.gitBlobSha1(config), "blobs/" + sha, "refs/main",
				"snapshots/" + commit + "/config.json", "snapshots/" + commit + "/model.safetensors").sorted()
				.collect(Collectors.toList()), listing(repoDir()));
	}

	@Test
	void tokenIsNotSentToTheCdnOfAnotherOrigin() throws IOException {
		hub.separateCdn(true);
		hub.requireToken("hf_secret");
		HubClient client = new HubClient(new HubSettings(hub.endpoint(), "hf_secret", cache, false));
		HubSnapshot snap = client.fetch(ID, FILES, DownloadProgress.NONE);
		assertArrayEquals(weights, Files.readAllBytes(snap.files().get("model.safetensors")));
		List<LoopbackHub.Request> cdn = hub.requests().stream().filter(q -> q.path().startsWith("/lfs-cdn/"))
				.collect(Collectors.toList());
		assertEquals(1, cdn.size());
		assertEquals(null, cdn.get(0).authorization());
	}
}
