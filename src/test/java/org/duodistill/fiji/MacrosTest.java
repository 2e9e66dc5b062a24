package org.duodistill.fiji;

import ai.djl.Device;
import ij.Menus;
import ij.macro.Interpreter;
import org.duodistill.data.ImageReaders;
import org.duodistill.model.Engines;
import org.duodistill.train.Method;
import org.duodistill.train.TrainingJob;
import org.duodistill.train.TrainingListener;
import org.duodistill.train.TrainingOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example macros and the macro extensions. Every {@code run("...", "...")} and {@code Ext.} call
 * in macros/*.ijm is checked against the real command labels, parameter names and extension
 * functions; macros that need nothing but the extensions are executed by ImageJ 1's interpreter.
 */
class MacrosTest {
	private static final Pattern RUN = Pattern.compile("run\\(\\s*\"([^\"]+)\"\\s*(?:,(.*))?\\)\\s*;");
	private static final Pattern EXT = Pattern.compile("Ext\\.(\\w+)\\s*\\(");
	private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

	@TempDir
	static Path dir;
	static Context context;
	static Map<String, Set<String>> commandKeys = new LinkedHashMap<>();
	static Map<String, String> ij1Plugins;
	static Path model;

	@BeforeAll
	static void setUp() throws Exception {
		Engines.configure(2);
		context = new Context(CommandService.class);
		for (CommandInfo ci : context.service(CommandService.class).getCommands()) {
			if (!ci.getClassName().startsWith("org.duodistill.")) continue;
			Set<String> keys = new HashSet<>();
			for (ModuleItem<?> item : ci.inputs()) {
				if (!org.scijava.service.Service.class.isAssignableFrom(item.getType()) && !item.getName().equals("context")) keys.add(item.getName());
			}
			commandKeys.put(ci.getMenuPath().getLeaf().getName(), keys);
		}
		ij1Plugins = registerPluginsConfig();
		TrainingOptions opt = TrainingOptions.defaults().withMethod(Method.SINGLE_WS).withEpochs(1).withBatch(8);
		model = dir.resolve("model");
		TrainingJob.run(new TrainingJob.Request(FijiTestData.labelledFolder(dir, 6), model, "auto", "resnet10-w8", "resnet10-w4", 32, opt,
				Device.cpu(), false, ImageReaders.standard()), TrainingListener.NONE);
	}

	@AfterAll
	static void close() {
		context.dispose();
	}

	/**
	 * Puts our plugins.config entries into ImageJ 1's command table, as ImageJ does for a jar in
	 * plugins/ at start-up (headless there is no menu bar to build them from).
	 */
	static Map<String, String> registerPluginsConfig() throws Exception {
		Map<String, String> entries = new LinkedHashMap<>();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(
				MacrosTest.class.getResourceAsStream("/plugins.config"), StandardCharsets.UTF_8))) {
			String line;
			Pattern p = Pattern.compile("\\s*[^,]+,\\s*\"([^\"]+)\"\\s*,\\s*([\\w.$]+)(\\(\"[^\"]*\"\\))?\\s*");
			while ((line = r.readLine()) != null) {
				if (line.isBlank() || line.startsWith("#")) continue;
				Matcher m = p.matcher(line);
				assertTrue(m.matches(), "plugins.config line not in ImageJ's format: " + line);
				entries.put(m.group(1), m.group(2));
			}
		}
		@SuppressWarnings("unchecked")
		Hashtable<String, String> table = Menus.getCommands();
		if (table == null) {
			Field f = Menus.class.getDeclaredField("pluginsTable");
			f.setAccessible(true);
			table = new Hashtable<>();
			f.set(null, table);
		}
		table.putAll(entries);
		return entries;
	}

	static List<Path> macros() throws Exception {
		try (Stream<Path> s = Files.list(Path.of("macros"))) {
			return s.filter(p -> p.toString().endsWith(".ijm")).sorted().toList();
		}
	}

	@Test
	void everyRunAndExtCallInTheExampleMacrosExists() throws Exception {
		List<String> extFunctions = new DuoDistillMacroExtensions().functionNames();
		List<Path> macros = macros();
		assertTrue(macros.size() >= 4, macros.toString());
		int runs = 0;
		for (Path macro : macros) {
			String code = Files.readString(macro);
			assertTrue(code.contains("ImageJ-linux64 --headless -macro " + macro.getFileName()), macro + " shows its headless call");
			Matcher m = RUN.matcher(code);
			while (m.find()) {
				String label = m.group(1);
				runs++;
				if (ij1Plugins.containsKey(label)) continue;
				assertTrue(commandKeys.containsKey(label), macro + ": run(\"" + label + "\") is not a DuoDistill command; known: " + commandKeys.keySet());
				for (String key : keys(m.group(2))) {
					assertTrue(commandKeys.get(label).contains(key), macro + ": '" + key + "' is not a parameter of " + label + " " + commandKeys.get(label));
				}
			}
			Matcher e = EXT.matcher(code);
			while (e.find()) assertTrue(extFunctions.contains(e.group(1)), macro + ": Ext." + e.group(1) + " does not exist");
		}
		assertTrue(runs >= 4);
	}

	/** Option keys of a run() options expression; variables stand in as X, bracketed values are dropped. */
	static List<String> keys(String optionsExpr) {
		if (optionsExpr == null) return List.of();
		StringBuilder joined = new StringBuilder();
		Matcher lit = LITERAL.matcher(optionsExpr);
		int last = 0;
		while (lit.find()) {
			if (lit.start() > last && !optionsExpr.substring(last, lit.start()).isBlank()) joined.append("X");
			joined.append(lit.group(1));
			last = lit.end();
		}
		String flat = joined.toString().replaceAll("\\[[^\\]]*\\]", "V");
		List<String> keys = new ArrayList<>();
		for (String token : flat.trim().split("\\s+")) {
			if (token.isEmpty()) continue;
			int eq = token.indexOf('=');
			keys.add(eq < 0 ? token : token.substring(0, eq));
		}
		return keys;
	}

	@Test
	void sliceOptionsAreMacroKeysOfTheCommandsThatReadDatasets() {
		for (String label : List.of("Train Classifier...", "Inspect Dataset...")) {
			assertTrue(commandKeys.get(label).containsAll(List.of("plane", "slice_axis", "slice_step", "central_slices", "skip_empty")),
					label + " " + commandKeys.get(label));
		}
		for (String label : List.of("Classify Folder...", "Evaluate Model...")) {
			assertTrue(commandKeys.get(label).contains("plane"), label + " " + commandKeys.get(label));
		}
	}

	@Test
	void theOptionParserOfThisTestWorks() {
		assertEquals(List.of("data", "output", "method", "label_slices"), keys("\"data=[\" + d + \"] output=[\" + o + \"] method=dual-skd label_slices\""));
	}

	@Test
	void macrosThatOnlyUseTheExtensionsRunInImageJ() throws Exception {
		int executed = 0;
		for (Path macro : macros()) {
			String code = Files.readString(macro);
			Matcher m = RUN.matcher(code);
			boolean onlyExtensions = true;
			while (m.find()) onlyExtensions &= ij1Plugins.containsKey(m.group(1));
			if (!onlyExtensions || !code.contains("Ext.")) continue;
			Path out = dir.resolve(macro.getFileName() + ".csv");
			Path images = dir.resolve("data").resolve("sagittal");
			Interpreter interp = new Interpreter();
			interp.setIgnoreErrors(true);
			interp.run(code, model + "," + images + "," + out);
			assertFalse(interp.wasError(), macro + ": " + interp.getErrorMessage());
			assertEquals(null, interp.getErrorMessage(), macro.toString());
			List<String> lines = Files.readAllLines(out);
			assertEquals("file,predicted,confidence,p_axial", lines.get(0));
			assertEquals(6, lines.size() - 1, "one row per image");
			for (String row : lines.subList(1, lines.size())) {
				String[] f = row.split(",");
				assertTrue(FijiTestData.CLASSES.contains(f[1]), row);
				double conf = Double.parseDouble(f[2]);
				assertTrue(conf >= 1.0 / 3 - 1e-6 && conf <= 1, row);
			}
			executed++;
		}
		assertTrue(executed >= 1, "at least one macro is executed");
	}

	@Test
	void extensionFunctionsReturnValuesAndClearErrors() throws Exception {
		Path image = FijiTestData.sample("axial", 10);
		String code = String.join("\n",
				"run(\"DuoDistill Macro Extensions\");",
				"Ext.loadModel(\"" + model + "\");",
				"Ext.getClassNames(names);",
				"Ext.getClassCount(n);",
				"Ext.classify(\"" + image + "\", cls, conf);",
				"Ext.getProbability(cls, p);",
				"open(\"" + image + "\");",
				"Ext.classify(getTitle(), cls2, conf2);",
				"call(\"java.lang.System.setProperty\", \"dd.names\", names);",
				"call(\"java.lang.System.setProperty\", \"dd.n\", \"\" + n);",
				"call(\"java.lang.System.setProperty\", \"dd.cls\", cls + \"|\" + cls2);",
				"call(\"java.lang.System.setProperty\", \"dd.conf\", d2s(conf, 6) + \"|\" + d2s(p, 6) + \"|\" + d2s(conf2, 6));",
				"close();",
				"Ext.unloadModel();");
		Interpreter interp = new Interpreter();
		interp.setIgnoreErrors(true);
		interp.run(code, "");
		assertFalse(interp.wasError(), interp.getErrorMessage());
		assertEquals(null, interp.getErrorMessage());
		assertEquals("axial,coronal,sagittal", System.getProperty("dd.names"));
		assertEquals("3", System.getProperty("dd.n"));
		String[] cls = System.getProperty("dd.cls").split("\\|");
		assertEquals(cls[0], cls[1], "file and open image give the same answer");
		String[] conf = System.getProperty("dd.conf").split("\\|");
		assertEquals(conf[0], conf[1], "probability of the predicted class is the confidence");
		assertEquals(Double.parseDouble(conf[0]), Double.parseDouble(conf[2]), 1e-5);

		Interpreter bad = new Interpreter();
		bad.setIgnoreErrors(true);
		bad.run("run(\"DuoDistill Macro Extensions\");\nExt.classify(\"" + image + "\", c, p);", "");
		// With errors not ignored ImageJ shows this message and aborts the macro; here it is recorded.
		assertTrue(bad.getErrorMessage() != null && bad.getErrorMessage().contains("Ext.loadModel"), bad.getErrorMessage());
	}

	@Test
	void aModelFolderThatFailsToLoadKeepsTheLoadedModel() throws Exception {
		Path notAModel = Files.createDirectories(dir.resolve("not-a-model"));
		String code = String.join("\n",
				"run(\"DuoDistill Macro Extensions\");",
				"Ext.loadModel(\"" + model + "\");",
				"Ext.loadModel(\"" + notAModel + "\");");
		Interpreter interp = new Interpreter();
		interp.run(code, "");
		assertTrue(interp.getErrorMessage() != null && interp.getErrorMessage().startsWith("DuoDistill: ")
				&& interp.getErrorMessage().contains("not-a-model"), "one line naming the folder: " + interp.getErrorMessage());
		Interpreter next = new Interpreter();
		next.setIgnoreErrors(true);
		next.run("run(\"DuoDistill Macro Extensions\");\nExt.getClassCount(n);\ncall(\"java.lang.System.setProperty\", \"dd.kept\", \"\" + n);\n"
				+ "Ext.unloadModel();", "");
		assertEquals(null, next.getErrorMessage());
		assertEquals("3", System.getProperty("dd.kept"), "the model loaded before the failure is still there");
	}
}
