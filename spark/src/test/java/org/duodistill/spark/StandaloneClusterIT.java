package org.duodistill.spark;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster on this machine: a master and a worker JVM started from the
 * module's Spark jars, two executor JVMs of one core each, and bin/duodistill-spark as the driver
 * with {@code --master spark://...}. The model must travel to the executors (no shared JVM), be
 * loaded once by each, and the rows must equal {@code classify}'s with the same libtorch threads.
 */
class StandaloneClusterIT {
	static final Path ROOT = Launchers.ROOT;
	static final List<String> OPENS = List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
			"java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs", "sun.security.action",
			"sun.util.calendar");

	@TempDir
	static Path tmp;
	static Path sparkHome;
	static int masterPort;
	static final List<Process> daemons = new ArrayList<>();

	@BeforeAll
	static void startCluster() throws Exception {
		// what a Spark distribution's folder holds for the worker to build executor commands: RELEASE and jars/
		sparkHome = tmp.resolve("spark-home");
		Path jars = Files.createDirectories(sparkHome.resolve("jars"));
		Files.writeString(sparkHome.resolve("RELEASE"), "Spark 4.0.1 (the jars of duodistill-spark's build)\n");
		try (Stream<Path> s = Stream.concat(Files.list(ROOT.resolve("spark/target/spark-lib")), Files.list(ROOT.resolve("spark/target/lib"))
				.filter(p -> p.getFileName().toString().startsWith("slf4j-api")))) {
			for (Path p : s.toList()) Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
		}
		masterPort = freePort();
		int masterUi = freePort();
		daemons.add(daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "" + masterPort,
				"--webui-port", "" + masterUi));
		daemons.add(daemon("worker", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2", "--memory", "3g",
				"--webui-port", "" + freePort(), "--work-dir", tmp.resolve("work").toString(), "spark://127.0.0.1:" + masterPort));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		while (!masterStatus(masterUi).contains("\"aliveworkers\" : 1")) {
			assertTrue(System.nanoTime() < deadline, "the worker registers with the master: " + Files.readString(tmp.resolve("worker.log")));
			Thread.sleep(500);
		}
	}

	@AfterAll
	static void stopCluster() {
		for (Process p : daemons) p.destroy();
	}

	static int freePort() throws IOException {
		try (ServerSocket s = new ServerSocket(0)) {
			return s.getLocalPort();
		}
	}

	static Process daemon(String name, String mainClass, String... args) throws IOException {
		List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
		for (String p : OPENS) cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
		cmd.addAll(List.of("-Dlog4j2.configurationFile=" + ROOT.resolve("spark/conf/log4j2.properties"), "-cp", sparkHome.resolve("jars") + "/*",
				mainClass));
		cmd.addAll(List.of(args));
		ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
		Map<String, String> env = b.environment();
		env.put("SPARK_HOME", sparkHome.toString());
		env.put("SPARK_SCALA_VERSION", "2.13");
		env.put("SPARK_LOCAL_IP", "127.0.0.1");
		return b.start();
	}

	static String masterStatus(int uiPort) {
		try (InputStream in = URI.create("http://127.0.0.1:" + uiPort + "/json/").toURL().openStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		} catch (IOException e) {
			return "";
		}
	}

	@Test
	void twoExecutorJvmsEachLoadTheModelOnceAndGiveClassifysRows() throws Exception {
		Path model = tmp.resolve("model");
		Launchers.Run t = Launchers.run(tmp, Map.of(), "duodistill", "train", "--data", "sample-images", "--output", model.toString(),
				"--teacher-arch", "resnet10-w8", "--student-arch", "resnet10-w4", "--size", "32", "--epochs", "1", "--threads", "2");
		assertEquals(0, t.code(), t.toString());
		Path single = tmp.resolve("single.csv");
		Launchers.Run c = Launchers.run(tmp, Map.of(), "duodistill", "classify", "--model", model.toString(), "--input", "sample-images",
				"--output", single.toString(), "--threads", "1");
		assertEquals(0, c.code(), c.toString());

		Path out = tmp.resolve("cluster.csv");
		// two executors of one core; the job starts once both have registered
		String opts = "-Dspark.executor.cores=1 -Dspark.executor.memory=768m -Dspark.driver.host=127.0.0.1"
				+ " -Dspark.scheduler.minRegisteredResourcesRatio=1.0 -Dspark.scheduler.maxRegisteredResourcesWaitingTime=60s";
		Launchers.Run s = Launchers.run(tmp, Map.of("JAVA_OPTS", opts), "duodistill-spark", "classify", "--master",
				"spark://127.0.0.1:" + masterPort, "--model", model.toString(), "--input", "sample-images", "--output", out.toString(),
				"--partitions", "8");
		assertEquals(0, s.code(), s + "\nworker: " + Files.readString(tmp.resolve("worker.log")));
		assertTrue(s.out().contains("in 8 partition(s)") && s.out().contains("model loaded 2 time(s)"), "once per executor JVM: " + s.out());

		List<String> expected = Files.readAllLines(single);
		List<String> got;
		try (Stream<Path> parts = Files.list(out)) {
			got = Files.readAllLines(parts.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow());
		}
		List<String> ok = got.stream().skip(1).filter(l -> l.endsWith(",ok,")).map(l -> l.substring(0, l.length() - 4)).toList();
		assertEquals(expected.subList(1, expected.size()), ok, "classify's rows, in classify's order, from another JVM");
		assertEquals(2, got.stream().filter(l -> l.contains(",unreadable,")).count(), "LICENSE and README.md");
		try (Stream<Path> apps = Files.list(tmp.resolve("work"))) {
			assertEquals(1, apps.count(), "one application ran on the worker");
		}
	}
}
