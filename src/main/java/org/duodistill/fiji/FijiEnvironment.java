package org.duodistill.fiji;

import java.awt.GraphicsEnvironment;

/** Whether windows may be shown: not headless and not inside a batch-mode macro. */
final class FijiEnvironment {
	private FijiEnvironment() {}

	static boolean headless() {
		return GraphicsEnvironment.isHeadless() || ij.macro.Interpreter.isBatchMode() || ij.IJ.getInstance() == null;
	}
}
