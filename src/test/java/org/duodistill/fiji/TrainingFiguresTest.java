package org.duodistill.fiji;

import ij.gui.Plot;
import org.duodistill.train.EpochRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training plot draws every series inside its frame, a constant student that still predicts one class included. */
class TrainingFiguresTest {
	static EpochRecord row(String model, String stage, int epoch, double loss, double accA, double f1A, double accB, double f1B) {
		return new EpochRecord(model, stage, epoch, 1e-3, loss, loss, Double.NaN, accA, f1A, accB, f1B, 1, 0, 0, 0);
	}

	/** The series {@code label} of {@code p}: x and y as drawn, or null when the plot has none. */
	static float[][] series(Plot p, String label) {
		String[] names = p.getDataObjectDesignations();
		for (int i = 0; i < names.length; i++) if (names[i].endsWith(": " + label)) return p.getDataObjectArrays(i);
		return null;
	}

	/**
	 * What the window must show: each of the students' series holds the history's values for its epochs, and
	 * every value drawn lies strictly inside the y range (on the frame a line is hidden by it).
	 */
	static void assertStudentsShown(Plot p, List<EpochRecord> history) {
		p.getImagePlus(); // drawn, as in the window
		double[] lim = p.getLimits();
		check(p, history, TrainingFigures.ACC_A, EpochRecord::valAccA, lim);
		check(p, history, TrainingFigures.ACC_B, EpochRecord::valAccB, lim);
		check(p, history, TrainingFigures.F1_A, EpochRecord::valF1A, lim);
		check(p, history, TrainingFigures.F1_B, EpochRecord::valF1B, lim);
		check(p, history, TrainingFigures.STUDENT_LOSS, EpochRecord::loss, lim);
	}

	private static void check(Plot p, List<EpochRecord> history, String label, ToDoubleFunction<EpochRecord> value, double[] lim) {
		float[][] s = series(p, label);
		assertNotNull(s, label + " is plotted: " + List.of(p.getDataObjectDesignations()));
		double[][] want = TrainingFigures.seriesValues(history, "student", value);
		assertTrue(want[0].length >= 2, label + ": the history has epochs to draw");
		assertArrayEquals(toFloat(want[0]), s[0], label + " epochs");
		assertArrayEquals(toFloat(want[1]), s[1], 1e-5f, label + " values (history.csv keeps 6 digits)");
		for (float y : s[1]) assertTrue(y > lim[2] && y < lim[3], label + ": " + y + " inside the frame " + lim[2] + ".." + lim[3]);
	}

	private static float[] toFloat(double[] d) {
		float[] f = new float[d.length];
		for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
		return f;
	}

	@Test
	void aStudentStuckOnOneClassIsDrawnInsideTheFrameNotOnIt() {
		// what a 4-epoch run on tiny data gave: A and B constant at the lowest value of all series
		List<EpochRecord> h = new ArrayList<>();
		double[] teacherLoss = {1.25, 0.92, 0.91, 0.81}, teacherAcc = {0.67, 1, 0.67, 0.67};
		for (int e = 1; e <= 4; e++) h.add(row("teacher", "ce", e, teacherLoss[e - 1], teacherAcc[e - 1], 0.56, Double.NaN, Double.NaN));
		double[] loss = {1.82, 1.51, 1.27, 1.11};
		for (int e = 1; e <= 4; e++) h.add(row("student", e < 4 ? "skd" : "finetune", e, loss[e - 1], 1 / 3.0, 1 / 6.0, 1 / 3.0, 1 / 6.0));
		Plot p = TrainingFigures.plot(h);
		assertStudentsShown(p, h);
		assertTrue(p.getLimits()[2] < 0 && p.getLimits()[3] > 1.82, "0 and the highest loss inside: " + List.of(p.getLimits()));
	}

	@Test
	void aMethodWithoutBHasNoBSeriesAndBsEpochsAreOnlyThoseItWasValidatedIn() {
		List<EpochRecord> h = new ArrayList<>();
		for (int e = 1; e <= 3; e++) h.add(row("student", "ce", e, 1.0 / e, 0.5, 0.4, Double.NaN, Double.NaN));
		Plot p = TrainingFigures.plot(h);
		p.getImagePlus();
		assertNull(series(p, TrainingFigures.ACC_B));
		assertEquals(3, series(p, TrainingFigures.ACC_A)[1].length);
		List<EpochRecord> partly = new ArrayList<>(h);
		partly.add(row("student", "skd", 4, 0.2, 0.6, 0.5, 0.7, 0.6));
		partly.add(row("student", "skd", 5, 0.2, 0.6, 0.5, 0.8, 0.7));
		float[][] b = series(TrainingFigures.plot(partly), TrainingFigures.ACC_B);
		assertArrayEquals(new float[] {4, 5}, b[0]);
		assertArrayEquals(new float[] {0.7f, 0.8f}, b[1]);
	}
}
