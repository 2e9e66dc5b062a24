package org.duodistill.infer;

import ij.gui.Plot;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;
import org.duodistill.model.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reliability diagram of an evaluation: accuracy against confidence in the ECE's bins
 * ({@link ConfidenceBins}) beside the diagonal of perfect calibration, and under it how many images
 * each bin holds, since a bin of two images says little. A temperature-scaled model shows its
 * confidences before (T = 1) and as deployed in one plot, each with its ECE. Drawn with ImageJ 1's
 * {@link Plot} into an image, never a window, so the command line renders it headless.
 */
public final class ReliabilityDiagram {
	/** One set of confidences: at T = 1, or at the model's temperature. */
	public record Curve(String label, double temperature, ConfidenceBins bins) {
		public String legend() {
			return String.format(Locale.ROOT, "%s, ECE %.3f", label, bins.ece());
		}
	}

	private static final Color DEPLOYED = new Color(0x1f77b4);
	private static final Color UNCALIBRATED = new Color(0xd62728);
	private static final int FRAME_WIDTH = 520;
	private static final int TOP_HEIGHT = 340;
	private static final int BOTTOM_HEIGHT = 110;
	private static final int TITLE_HEIGHT = 46;

	private final String subject;
	private final List<Curve> curves;

	private ReliabilityDiagram(String subject, List<Curve> curves) {
		this.subject = subject;
		this.curves = List.copyOf(curves);
	}

	/** The diagram of an evaluation at the model's temperature ({@link Evaluation#probabilities}) and, when that is not 1, at T = 1. */
	public static ReliabilityDiagram of(Evaluation e, Calibration c, String subject) {
		return of(e.logits(), e.probabilities(), e.labels(), c.temperature(), subject);
	}

	/**
	 * @param applied the probabilities at {@code temperature} exactly as the metrics were computed from
	 *        them, so the deployed curve's ECE is the metrics' ECE to the last bit
	 * @param logits for the T = 1 curve when {@code temperature} is not 1
	 */
	public static ReliabilityDiagram of(float[][] logits, float[][] applied, int[] labels, double temperature, String subject) {
		List<Curve> curves = new ArrayList<>();
		if (temperature == 1.0) {
			curves.add(new Curve("no calibration (T = 1)", 1.0, ConfidenceBins.of(applied, labels)));
		} else {
			curves.add(new Curve("uncalibrated (T = 1)", 1.0, ConfidenceBins.of(Calibration.softmax(logits, 1.0), labels)));
			curves.add(new Curve(String.format(Locale.ROOT, "temperature scaled (T = %.3f)", temperature), temperature,
					ConfidenceBins.of(applied, labels)));
		}
		return new ReliabilityDiagram(subject, curves);
	}

	/** The file beside {@code csv}: {@code metrics.csv} -> {@code metrics-reliability.png}. */
	public static Path besideCsv(Path csv) {
		String name = csv.getFileName().toString();
		int dot = name.lastIndexOf('.');
		String stem = dot > 0 ? name.substring(0, dot) : name;
		return csv.resolveSibling(stem + "-reliability.png");
	}

	/** T = 1 first, then the model's temperature when it has one. */
	public List<Curve> curves() {
		return curves;
	}

	/** The curve of the confidences the model gives (at its temperature): the one whose ECE is the metrics' ECE. */
	public Curve deployed() {
		return curves.get(curves.size() - 1);
	}

	/** Title, the reliability plot and the images-per-bin plot under it, as one RGB image. */
	public ColorProcessor render() {
		ImageProcessor top = reliabilityPlot().getProcessor().convertToRGB();
		ImageProcessor bottom = countPlot().getProcessor().convertToRGB();
		int width = Math.max(top.getWidth(), bottom.getWidth());
		ColorProcessor out = new ColorProcessor(width, TITLE_HEIGHT + top.getHeight() + bottom.getHeight());
		out.setColor(Color.WHITE);
		out.fill();
		out.insert(top, 0, TITLE_HEIGHT);
		out.insert(bottom, 0, TITLE_HEIGHT + top.getHeight());
		out.setAntialiasedText(true);
		out.setColor(Color.BLACK);
		out.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
		out.drawString(title(), Plot.LEFT_MARGIN, 20);
		out.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		out.drawString(eceLine(), Plot.LEFT_MARGIN, 38);
		return out;
	}

	String title() {
		return "Reliability diagram: " + subject + ", " + deployed().bins().images() + " images";
	}

	private String eceLine() {
		List<String> parts = new ArrayList<>();
		for (Curve c : curves) parts.add(String.format(Locale.ROOT, "ECE %.3f at T = %s", c.bins().ece(), temperature(c)));
		return String.join(" -> ", parts) + " (" + ConfidenceBins.BINS + " equal-width bins)";
	}

	private static String temperature(Curve c) {
		return c.temperature() == 1.0 ? "1" : String.format(Locale.ROOT, "%.3f", c.temperature());
	}

	private Plot reliabilityPlot() {
		Plot p = new Plot("Reliability", "confidence (mean top probability in the bin)", "accuracy");
		p.setFrameSize(FRAME_WIDTH, TOP_HEIGHT);
		p.setLimits(0, 1, 0, 1);
		p.setColor(Color.GRAY);
		p.addPoints(new double[] {0, 1}, new double[] {0, 1}, Plot.LINE);
		p.setLabel(-1, "perfect calibration");
		for (Curve c : curves) {
			List<Double> x = new ArrayList<>();
			List<Double> y = new ArrayList<>();
			for (int b = 0; b < ConfidenceBins.BINS; b++) {
				if (c.bins().count()[b] == 0) continue;
				x.add(c.bins().confidence(b));
				y.add(c.bins().accuracy(b));
			}
			p.setColor(colour(c), colour(c)); // the second colour fills the circles; without it ImageJ connects them in black
			p.setLineWidth(2);
			p.addPoints(toArray(x), toArray(y), Plot.CONNECTED_CIRCLES);
			p.setLabel(-1, c.legend());
		}
		p.setLineWidth(1);
		p.setLegend(null, Plot.AUTO_POSITION);
		return p;
	}

	/** Images per bin as a step outline per curve, so two curves stay readable where they overlap. */
	private Plot countPlot() {
		Plot p = new Plot("Images per bin", "confidence bin", "images");
		p.setFrameSize(FRAME_WIDTH, BOTTOM_HEIGHT);
		int max = 1;
		for (Curve c : curves) for (int n : c.bins().count()) max = Math.max(max, n);
		p.setLimits(0, 1, 0, max * 1.1);
		for (Curve c : curves) {
			double[] x = new double[2 * ConfidenceBins.BINS + 2];
			double[] y = new double[x.length];
			for (int b = 0; b < ConfidenceBins.BINS; b++) {
				x[2 * b + 1] = ConfidenceBins.lowerEdge(b);
				x[2 * b + 2] = ConfidenceBins.lowerEdge(b + 1);
				y[2 * b + 1] = c.bins().count()[b];
				y[2 * b + 2] = c.bins().count()[b];
			}
			x[x.length - 1] = 1;
			p.setColor(colour(c));
			p.setLineWidth(2);
			p.addPoints(x, y, Plot.LINE);
		}
		p.setLineWidth(1);
		return p;
	}

	private Color colour(Curve c) {
		return c == deployed() ? DEPLOYED : UNCALIBRATED;
	}

	private static double[] toArray(List<Double> v) {
		return v.stream().mapToDouble(Double::doubleValue).toArray();
	}

	/** Writes the rendered diagram as PNG through a temporary file, so a half-written one never replaces a good one. */
	public void writePng(Path file) throws IOException {
		var image = render().getBufferedImage();
		AtomicFiles.write(file, out -> {
			if (!ImageIO.write(image, "png", out)) throw new IOException(file + ": no PNG writer in this Java runtime");
		});
	}
}
