package org.duodistill.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.ExtensionDescriptor;
import ij.macro.Functions;
import ij.macro.MacroExtension;
import ij.plugin.PlugIn;
import org.duodistill.data.ImageJReader;
import org.duodistill.data.ImagePlane;
import org.duodistill.data.ImageReadException;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.FolderExplanation;
import org.duodistill.infer.Prediction;
import org.duodistill.model.Engines;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * "DuoDistill Macro Extensions" (the Bio-Formats pattern): after
 * {@code run("DuoDistill Macro Extensions");} a macro calls
 * <pre>
 * Ext.loadModel(dir);
 * Ext.getClassNames(names);          // names = "axial,coronal,sagittal"
 * Ext.getClassCount(n);
 * Ext.classify(pathOrTitle, cls, conf);   // a file, or the title of an open image (its current slice)
 * Ext.classifySlice(title, slice, cls, conf);
 * Ext.getProbability(className, p);   // of the last classification
 * csv = Ext.explain(pathOrFolder, outputFolder);   // a map per image or slice, explanations.csv
 * csv = Ext.explainWith(pathOrFolder, outputFolder, className, method, overlay);
 * Ext.unloadModel();
 * </pre>
 * so macros get return values without parsing tables. The model stays loaded between calls.
 */
public class DuoDistillMacroExtensions implements PlugIn, MacroExtension {
	private static final int OUT_STRING = ARG_OUTPUT + ARG_STRING;
	private static final int OUT_NUMBER = ARG_OUTPUT + ARG_NUMBER;

	private static Classifier classifier;
	private static Prediction last;

	private final ExtensionDescriptor[] functions = {
			ExtensionDescriptor.newDescriptor("loadModel", this, ARG_STRING),
			ExtensionDescriptor.newDescriptor("unloadModel", this),
			ExtensionDescriptor.newDescriptor("getClassNames", this, OUT_STRING),
			ExtensionDescriptor.newDescriptor("getClassCount", this, OUT_NUMBER),
			ExtensionDescriptor.newDescriptor("classify", this, ARG_STRING, OUT_STRING, OUT_NUMBER),
			ExtensionDescriptor.newDescriptor("classifySlice", this, ARG_STRING, ARG_NUMBER, OUT_STRING, OUT_NUMBER),
			ExtensionDescriptor.newDescriptor("getProbability", this, ARG_STRING, OUT_NUMBER),
			ExtensionDescriptor.newDescriptor("explain", this, ARG_STRING, ARG_STRING),
			ExtensionDescriptor.newDescriptor("explainWith", this, new Integer[] {ARG_STRING, ARG_STRING, ARG_STRING, ARG_STRING, ARG_NUMBER})};

	@Override
	public void run(String arg) {
		if (!IJ.macroRunning()) {
			IJ.error("DuoDistill Macro Extensions", "Call run(\"DuoDistill Macro Extensions\"); from a macro, then use Ext.loadModel(dir) etc.");
			return;
		}
		Functions.registerExtensions(this);
	}

	/**
	 * For headless ImageJ 1 ({@code java -Djava.awt.headless=true -jar ij.jar -batch ...}), where
	 * {@code run("DuoDistill Macro Extensions")} cannot work because ImageJ 1 builds its menus (AWT)
	 * to find a command: {@code call("org.duodistill.fiji.DuoDistillMacroExtensions.enable");}
	 * enables the same functions.
	 */
	public static String enable() {
		Functions.registerExtensions(new DuoDistillMacroExtensions());
		return "";
	}

	@Override
	public ExtensionDescriptor[] getExtensionFunctions() {
		return functions;
	}

	/** The names macros can call, for documentation and tests. */
	public List<String> functionNames() {
		return java.util.Arrays.stream(functions).map(f -> f.name).toList();
	}

	@Override
	public String handleExtension(String name, Object[] args) {
		try {
			switch (name) {
				case "loadModel":
					load((String) args[0]);
					return null;
				case "unloadModel":
					unload();
					return null;
				case "getClassNames":
					((String[]) args[0])[0] = String.join(",", model().classNames());
					return null;
				case "getClassCount":
					((Double[]) args[0])[0] = (double) model().classNames().size();
					return null;
				case "classify":
					return answer(classify((String) args[0], -1), args[1], args[2]);
				case "classifySlice":
					return answer(classify((String) args[0], ((Double) args[1]).intValue()), args[2], args[3]);
				case "getProbability":
					((Double[]) args[1])[0] = probability((String) args[0]);
					return null;
				case "explain":
					return MacroExplanations.explain(model(), (String) args[0], (String) args[1], FolderExplanation.Options.defaults());
				case "explainWith":
					return MacroExplanations.explain(model(), (String) args[0], (String) args[1],
							MacroExplanations.options((String) args[2], (String) args[3], (Double) args[4]));
				default:
					throw new IllegalArgumentException("unknown function Ext." + name);
			}
		} catch (IOException | IllegalArgumentException | IllegalStateException e) {
			return fail(e.getMessage());
		} catch (LinkageError e) {
			return fail("Ext." + name + ": a library is missing or of the wrong version (" + e + "); install every jar of DuoDistill's "
					+ "jars/ folder as docs/fiji.md says");
		} catch (RuntimeException e) {
			return fail("Ext." + name + " failed: " + e);
		}
	}

	/**
	 * Ends the macro with one line naming the problem: in a dialog as built-in functions do when
	 * ImageJ has a window; printed on stderr without one (-batch, headless), where a dialog would
	 * wait for a click that never comes.
	 */
	static String fail(String message) {
		String line = "DuoDistill: " + (message == null ? "unknown error" : message.replace('\n', ' '));
		ij.macro.Interpreter interp = ij.macro.Interpreter.getInstance();
		if (IJ.getInstance() != null && interp != null) {
			interp.abort(line);
			return null;
		}
		System.err.println(line);
		if (interp != null) {
			// ends the macro and records the message, without ImageJ's error dialog
			interp.setIgnoreErrors(true);
			interp.abort(line);
		}
		return null;
	}

	private static String answer(Prediction p, Object cls, Object conf) {
		last = p;
		((String[]) cls)[0] = p.predictedClass();
		((Double[]) conf)[0] = (double) p.confidence();
		return null;
	}

	/** The loaded model is replaced only once the new one has loaded: a bad folder keeps the old one. */
	private static synchronized void load(String dir) throws IOException {
		Engines.configure(0);
		Classifier fresh = Classifier.open(Path.of(dir), Engines.device("auto"));
		Classifier old = classifier;
		classifier = fresh;
		last = null;
		if (old != null) old.close();
	}

	private static synchronized void unload() {
		if (classifier != null) classifier.close();
		classifier = null;
		last = null;
	}

	private static Classifier model() {
		if (classifier == null) throw new IllegalStateException("no model loaded; call Ext.loadModel(dir) first");
		return classifier;
	}

	/** A file path, or the title of an open image (current slice unless a slice is given). */
	private static Prediction classify(String pathOrTitle, int slice) throws ImageReadException {
		Classifier c = model();
		ImagePlus imp = new File(pathOrTitle).isFile() ? null : WindowManager.getImage(pathOrTitle);
		if (imp == null && !new File(pathOrTitle).isFile()) {
			throw new IllegalArgumentException("'" + pathOrTitle + "' is neither a file nor the title of an open image");
		}
		if (imp != null) {
			int s = slice > 0 ? slice : imp.getCurrentSlice();
			if (s > imp.getStackSize()) throw new IllegalArgumentException(pathOrTitle + " has " + imp.getStackSize() + " slices, not " + s);
			return c.classify(imp.getTitle(), List.of(ImageJReader.plane(imp, s)), List.of(s)).get(0);
		}
		// read at the model's input size, so a huge plane is reduced while reading, never decoded whole
		List<ImagePlane> planes = c.read(Path.of(pathOrTitle)).planes();
		int s = slice > 0 ? slice : 1;
		if (s > planes.size()) throw new IllegalArgumentException(pathOrTitle + " has " + planes.size() + " slices, not " + s);
		return c.classify(pathOrTitle, List.of(planes.get(s - 1)), List.of(s)).get(0);
	}


	private static double probability(String className) {
		if (last == null) throw new IllegalStateException("nothing classified yet; call Ext.classify first");
		int i = model().classNames().indexOf(className);
		if (i < 0) throw new IllegalArgumentException("unknown class '" + className + "'; the model predicts " + model().classNames());
		return last.probabilities()[i];
	}
}
