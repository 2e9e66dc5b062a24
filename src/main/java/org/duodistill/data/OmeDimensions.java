package org.duodistill.data;

import ij.ImagePlus;
import ij.ImageStack;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The channel, z and time dimensions of an OME-TIFF that ImageJ 1 opened as a plain stack (it reads
 * the pages, not the OME-XML), so that without Bio-Formats (the command line) the channels of one
 * (z, t) are still one sample. Only the simple case is taken: one image whose pages are all its
 * planes in the declared order (whatever it is); anything else stays a plain stack.
 */
final class OmeDimensions {
	private static final Pattern PIXELS = Pattern.compile("<(?:\\w+:)?Pixels\\b[^>]*>");

	private OmeDimensions() {}

	/** Gives {@code imp} the OME-XML's dimensions, pages reordered to ImageJ's c, z, t order; true when it did. */
	static boolean apply(ImagePlus imp) {
		if (imp.getNChannels() > 1 || imp.getNFrames() > 1 || imp.getStackSize() < 2 || imp.getBitDepth() == 24) return false;
		ij.io.FileInfo fi = imp.getOriginalFileInfo();
		String xml = fi == null ? null : fi.description;
		if (xml == null || !xml.contains("<OME")) return false;
		if (count(xml, "<(?:\\w+:)?Image\\b") != 1) return false;
		Matcher m = PIXELS.matcher(xml);
		if (!m.find()) return false;
		String pixels = m.group();
		String order = attribute(pixels, "DimensionOrder");
		int c = integer(pixels, "SizeC"), z = integer(pixels, "SizeZ"), t = integer(pixels, "SizeT");
		if (order == null || !order.matches("XY(CZT|CTZ|ZCT|ZTC|TCZ|TZC)") || c < 1 || z < 1 || t < 1) return false;
		if ((long) c * z * t != imp.getStackSize()) return false;
		ImageStack from = imp.getStack();
		ImageStack to = new ImageStack(imp.getWidth(), imp.getHeight());
		int[] size = {c, z, t};
		for (int ti = 0; ti < t; ti++) {
			for (int zi = 0; zi < z; zi++) {
				for (int ci = 0; ci < c; ci++) {
					int[] at = {ci, zi, ti};
					int index = 0, stride = 1;
					for (int k = 2; k < 5; k++) {
						int d = "CZT".indexOf(order.charAt(k));
						index += at[d] * stride;
						stride *= size[d];
					}
					to.addSlice(from.getSliceLabel(index + 1), from.getProcessor(index + 1));
				}
			}
		}
		imp.setStack(to, c, z, t);
		return true;
	}

	private static int count(String s, String regex) {
		Matcher m = Pattern.compile(regex).matcher(s);
		int n = 0;
		while (m.find()) n++;
		return n;
	}

	private static String attribute(String element, String name) {
		Matcher m = Pattern.compile("\\b" + name + "\\s*=\\s*\"([^\"]*)\"").matcher(element);
		return m.find() ? m.group(1) : null;
	}

	private static int integer(String element, String name) {
		String v = attribute(element, name);
		try {
			return v == null ? 1 : Integer.parseInt(v.trim());
		} catch (NumberFormatException e) {
			return -1;
		}
	}
}
