package org.duodistill.fiji;

import ij.gui.Plot;
import ij.gui.PlotWindow;
import org.duodistill.train.EpochRecord;

import java.awt.EventQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * The training plot while the run goes: one window per run, redrawn after every epoch with what
 * {@link TrainingFigures#plot} draws for the epochs so far. Esc in the window stops the run, as Esc
 * anywhere in ImageJ does. Only with a screen; headless runs get the PNG at the end.
 */
final class LivePlot {
	static final String TITLE = "DuoDistill Training (live)";

	private PlotWindow window;
	private int updates;

	/** Redraws the window with {@code history}, opening it on the first epoch. */
	synchronized void update(List<EpochRecord> history) {
		Plot plot = TrainingFigures.plot(new ArrayList<>(history));
		plot.getImagePlus().setTitle(TITLE);
		updates++;
		try {
			EventQueue.invokeAndWait(() -> {
				if (window == null || window.isClosed()) {
					plot.setWindowSize(640, 420);
					window = (PlotWindow) plot.show();
					window.setTitle(TITLE);
				} else {
					window.drawPlot(plot);
				}
			});
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		} catch (java.lang.reflect.InvocationTargetException e) {
			// a plot that cannot be drawn must not stop the training
		}
	}

	/** The window, null before the first epoch. */
	synchronized PlotWindow window() {
		return window;
	}

	/** How many times the plot was drawn: once per epoch. */
	synchronized int updates() {
		return updates;
	}
}
