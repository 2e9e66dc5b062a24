package org.duodistill.data;

/**
 * Keeps libraries' DEBUG logging off the console. DJL and Bio-Formats log through SLF4J; Logback,
 * which {@code bioformats_package.jar} bundles, logs everything at DEBUG when nobody configured it
 * (one classify run printed 17,000 lines), and slf4j-simple logs INFO. A user's own Logback
 * configuration ({@code logback.xml}, {@code -Dlogback.configurationFile}) or simple-logger level
 * is left alone; otherwise the root logger is raised to WARN.
 */
public final class QuietLogging {
	static final String SIMPLE_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

	private QuietLogging() {}

	/** Quiets the SLF4J provider that classes loaded by {@code loader} log to. */
	public static void apply(ClassLoader loader) {
		// slf4j-simple reads this once, when it starts; harmless for every other provider.
		if (System.getProperty(SIMPLE_LEVEL) == null) System.setProperty(SIMPLE_LEVEL, "warn");
		if (loader == null) return;
		try {
			Class<?> factory = Class.forName("org.slf4j.LoggerFactory", true, loader);
			Object root = factory.getMethod("getLogger", String.class).invoke(null, "ROOT");
			Class<?> logger = root.getClass();
			if (!logger.getName().equals("ch.qos.logback.classic.Logger")) return;
			ClassLoader logback = logger.getClassLoader();
			if (userConfigured(logback)) return;
			Class<?> level = Class.forName("ch.qos.logback.classic.Level", true, logback);
			Object warn = level.getField("WARN").get(null);
			Object current = logger.getMethod("getLevel").invoke(root);
			int now = current == null ? Integer.MIN_VALUE : (Integer) level.getMethod("toInt").invoke(current);
			if (now < (Integer) level.getMethod("toInt").invoke(warn)) logger.getMethod("setLevel", level).invoke(root, warn);
		} catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
			// no SLF4J, or a provider without a settable root level: nothing to quiet here
		}
	}

	private static boolean userConfigured(ClassLoader logback) {
		return System.getProperty("logback.configurationFile") != null || logback.getResource("logback.xml") != null
				|| logback.getResource("logback-test.xml") != null;
	}
}
