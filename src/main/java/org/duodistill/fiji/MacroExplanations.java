package org.duodistill.fiji;

import ij.IJ;
import org.duodistill.data.SkippedFile;
import org.duodistill.infer.Classifier;
import org.duodistill.infer.ExplanationMethod;
import org.duodistill.infer.FolderExplanation;

import java.io.IOException;
import java.nio.file.Path;

/** {@code Ext.explain} and {@code Ext.explainWith}: the command line's {@code explain} with the loaded model. */
final class MacroExplanations {
	private MacroExplanations() {}

	/**
	 * Explains a file or every image under a folder into {@code output}; returns the path of
	 * explanations.csv. A macro's earlier files there are replaced, as {@code saveAs} replaces a
	 * file: a macro run again would otherwise stop at its own output.
	 */
	static String explain(Classifier c, String input, String output, FolderExplanation.Options o) throws IOException {
		FolderExplanation.Result r = FolderExplanation.run(c, Path.of(input), Path.of(output),
				new FolderExplanation.Options(o.className(), o.method(), o.overlay(), true), null, IJ::escapePressed);
		IJ.resetEscape();
		if (r.explanations().isEmpty()) {
			throw new IllegalArgumentException(input + ": no readable images (" + r.skipped().size() + " file(s) skipped)"
					+ (r.cancelled() ? "; cancelled" : ""));
		}
		// Skipped files are not an error of the macro (a folder may hold notes or thumbnails), but say which
		for (SkippedFile s : r.skipped()) IJ.log("DuoDistill: skipped " + s.file() + ": " + s.reason());
		return r.csv().toString();
	}

	/** className "" is each image's predicted class, method "" the default; overlay: a macro boolean (0 or 1). */
	static FolderExplanation.Options options(String className, String method, double overlay) {
		return new FolderExplanation.Options(className == null || className.isBlank() ? null : className.trim(),
				method == null || method.isBlank() ? ExplanationMethod.DEFAULT : ExplanationMethod.parse(method), overlay != 0, true);
	}
}
