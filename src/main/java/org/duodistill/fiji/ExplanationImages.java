package org.duodistill.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import org.duodistill.infer.Explanation;
import org.duodistill.infer.Viridis;

import java.util.List;
import java.util.Locale;

/** What Explain Prediction shows: the maps as an image of their own, and the same maps over the original. */
final class ExplanationImages {
	/** The name of every overlay element we add, so that a second run replaces the first instead of piling up. */
	static final String ROI_NAME = "DuoDistill explanation";

	/**
	 * Below this fraction of a slice's peak the overlay is transparent: the map's floor is a colour
	 * too (dark purple), and tinting the whole image with it would hide what the map says is irrelevant.
	 */
	static final float OVERLAY_FLOOR = 0.2f;

	private ExplanationImages() {}

	/**
	 * "Explanation of &lt;title&gt;": one 32-bit slice per explanation in viridis, 0-1, with the
	 * original's calibration and its z and t (one map per (z, t): a position's channels are one
	 * sample), so that positions read the same in both.
	 */
	static ImagePlus maps(ImagePlus original, List<Explanation> explanations) {
		ImageStack stack = new ImageStack(explanations.get(0).width(), explanations.get(0).height());
		for (Explanation e : explanations) {
			stack.addSlice(String.format(Locale.ROOT, "%s (predicted %s %.2f)", e.explainedClass(), e.predictedClass(), e.confidence()),
					new FloatProcessor(e.width(), e.height(), e.map().clone()));
		}
		ImagePlus imp = new ImagePlus("Explanation of " + original.getTitle(), stack);
		if (explanations.size() == original.getNSlices() * original.getNFrames() && original.getNSlices() > 1 && original.getNFrames() > 1) {
			imp.setDimensions(1, original.getNSlices(), original.getNFrames());
			imp.setOpenAsHyperStack(true);
		}
		if (explanations.get(0).width() == original.getWidth()) imp.setCalibration(original.getCalibration().copy());
		imp.getProcessor().setLut(Viridis.lut());
		imp.setDisplayRange(0, 1);
		return imp;
	}

	/**
	 * Adds each map over its position of the original as a translucent viridis image, shown on every
	 * channel of a hyperstack's (z, t) (the user's own overlay elements stay); returns the overlay.
	 */
	static Overlay addOverlay(ImagePlus original, List<Explanation> explanations, double opacity) {
		Overlay overlay = original.getOverlay() == null ? new Overlay() : original.getOverlay();
		for (Roi r : overlay.toArray()) if (ROI_NAME.equals(r.getName())) overlay.remove(r);
		boolean stack = original.getStackSize() > 1;
		for (Explanation e : explanations) {
			ImageRoi roi = new ImageRoi(0, 0, colours(e));
			roi.setName(ROI_NAME);
			roi.setOpacity(opacity);
			roi.setZeroTransparent(true);
			if (original.isHyperStack() || original.getNChannels() > 1) {
				int[] zt = org.duodistill.data.ImageJReader.zt(original, e.slice());
				roi.setPosition(0, zt[0], zt[1]); // channel 0: all channels
			} else if (stack) {
				roi.setPosition(e.slice());
			}
			overlay.add(roi);
		}
		original.setOverlay(overlay);
		return overlay;
	}

	/** The map in viridis, black (transparent in a zero-transparent ImageRoi) under the floor. */
	static ColorProcessor colours(Explanation e) {
		FloatProcessor fp = new FloatProcessor(e.width(), e.height(), e.map().clone());
		fp.setLut(Viridis.lut());
		fp.setMinAndMax(0, 1);
		ColorProcessor cp = fp.convertToColorProcessor();
		int[] rgb = (int[]) cp.getPixels();
		float[] m = e.map();
		for (int i = 0; i < rgb.length; i++) if (!(m[i] >= OVERLAY_FLOOR)) rgb[i] = 0;
		return cp;
	}
}
