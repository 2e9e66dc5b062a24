package org.duodistill.study;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Summaries of {@code study.csv}: mean and sample standard deviation over seeds per dataset,
 * teacher, fraction and method, as Markdown tables (test macro-F1, and test ECE as deployed) and as
 * a PNG plot of macro-F1 against the training fraction (one panel per dataset and teacher).
 */
public final class StudyReport {
	public static final String SUMMARY_MD = "study-summary.md";
	public static final String PLOT_PNG = "study.png";

	private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
			new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

	private StudyReport() {}

	/** Mean and sample standard deviation (0 for one value) of the non-NaN values, and their count. */
	public record Stat(double mean, double sd, int n) {
		static Stat of(List<StudyRow> rows, ToDoubleFunction<StudyRow> f) {
			double sum = 0;
			int n = 0;
			for (StudyRow r : rows) {
				double v = f.applyAsDouble(r);
				if (Double.isNaN(v)) continue;
				sum += v;
				n++;
			}
			if (n == 0) return new Stat(Double.NaN, Double.NaN, 0);
			double mean = sum / n;
			double ss = 0;
			for (StudyRow r : rows) {
				double v = f.applyAsDouble(r);
				if (!Double.isNaN(v)) ss += (v - mean) * (v - mean);
			}
			return new Stat(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n);
		}

		String text() {
			return n == 0 ? "" : String.format(Locale.ROOT, "%.3f ± %.3f", mean, sd);
		}
	}

	/** Rows grouped panel ("dataset / teacher") -> method -> fraction. */
	static Map<String, Map<String, TreeMap<Double, List<StudyRow>>>> group(List<StudyRow> rows) {
		Map<String, Map<String, TreeMap<Double, List<StudyRow>>>> g = new LinkedHashMap<>();
		for (StudyRow r : rows) {
			g.computeIfAbsent(r.dataset() + " / teacher " + r.teacher(), k -> new LinkedHashMap<>())
					.computeIfAbsent(r.method(), k -> new TreeMap<>()).computeIfAbsent(r.fraction(), k -> new ArrayList<>()).add(r);
		}
		return g;
	}

	public static String markdown(List<StudyRow> rows) {
		StringBuilder b = new StringBuilder();
		for (var panel : group(rows).entrySet()) {
			TreeSet<Double> fractions = new TreeSet<>();
			panel.getValue().values().forEach(m -> fractions.addAll(m.keySet()));
			b.append("### ").append(panel.getKey()).append("\n\n");
			b.append("Test macro-F1, mean ± sd over seeds (validation macro-F1 in brackets; B's validation accuracy after SKD for SKD methods)\n\n");
			appendHeader(b, fractions);
			for (var method : panel.getValue().entrySet()) {
				b.append("| ").append(method.getKey()).append(" |");
				for (double f : fractions) {
					List<StudyRow> cell = method.getValue().getOrDefault(f, List.of());
					Stat test = Stat.of(cell, StudyRow::testMacroF1);
					Stat val = Stat.of(cell, StudyRow::valMacroF1);
					Stat bAcc = Stat.of(cell, StudyRow::bValAccuracy);
					b.append(' ').append(test.text());
					if (val.n() > 0) b.append(String.format(Locale.ROOT, " (%.3f)", val.mean()));
					if (bAcc.n() > 0) b.append(String.format(Locale.ROOT, " B %.2f", bAcc.mean()));
					if (test.n() > 0) b.append(" n=").append(test.n());
					b.append(" |");
				}
				b.append('\n');
			}
			b.append('\n');
			appendEce(b, panel.getValue(), fractions);
			appendDifferences(b, panel.getValue(), fractions);
		}
		return b.toString();
	}

	private static void appendHeader(StringBuilder b, TreeSet<Double> fractions) {
		b.append("| method |");
		for (double f : fractions) b.append(String.format(Locale.ROOT, " %.0f%% |", f * 100));
		b.append("\n|---|");
		fractions.forEach(f -> b.append("---|"));
		b.append('\n');
	}

	/** Test ECE of the models as deployed (at their calibration); left out when no row has it (study.csv from before it was recorded). */
	private static void appendEce(StringBuilder b, Map<String, TreeMap<Double, List<StudyRow>>> methods, TreeSet<Double> fractions) {
		boolean any = methods.values().stream().flatMap(m -> m.values().stream()).flatMap(List::stream).anyMatch(r -> !Double.isNaN(r.testEce()));
		if (!any) return;
		b.append("Test ECE (15 bins) at each run's calibration temperature, mean ± sd over seeds\n\n");
		appendHeader(b, fractions);
		for (var method : methods.entrySet()) {
			b.append("| ").append(method.getKey()).append(" |");
			for (double f : fractions) b.append(' ').append(Stat.of(method.getValue().getOrDefault(f, List.of()), StudyRow::testEce).text()).append(" |");
			b.append('\n');
		}
		b.append('\n');
	}

	/**
	 * dual-skd against single-ws and random, paired by seed (same split, subsample and teacher): the
	 * mean difference in test macro-F1, the seed-to-seed sd of the two methods, and whether the
	 * difference exceeds both (the study's criterion of a win).
	 */
	private static void appendDifferences(StringBuilder b, Map<String, TreeMap<Double, List<StudyRow>>> methods, TreeSet<Double> fractions) {
		var dual = methods.get("dual-skd");
		if (dual == null) return;
		boolean any = false;
		for (String other : List.of("single-ws", "random")) {
			var base = methods.get(other);
			if (base == null) continue;
			if (!any) b.append("dual-skd minus baseline, test macro-F1 paired by seed (mean; larger than both methods' sd?)\n\n");
			any = true;
			b.append("- vs ").append(other).append(':');
			for (double f : fractions) {
				List<StudyRow> d = dual.getOrDefault(f, List.of());
				List<StudyRow> o = base.getOrDefault(f, List.of());
				double sum = 0;
				int n = 0;
				for (StudyRow x : d) {
					for (StudyRow y : o) {
						if (x.seed() == y.seed() && !Double.isNaN(x.testMacroF1()) && !Double.isNaN(y.testMacroF1())) {
							sum += x.testMacroF1() - y.testMacroF1();
							n++;
						}
					}
				}
				if (n == 0) continue;
				double diff = sum / n;
				double spread = Math.max(Stat.of(d, StudyRow::testMacroF1).sd(), Stat.of(o, StudyRow::testMacroF1).sd());
				String verdict = n < 2 ? "one seed: no spread to compare with" : Math.abs(diff) > spread ? (diff > 0 ? "win" : "loss")
						: "within spread " + String.format(Locale.ROOT, "%.3f", spread);
				b.append(String.format(Locale.ROOT, " %.0f%% %+.3f (%s)", f * 100, diff, verdict));
				b.append(';');
			}
			b.setLength(b.length() - 1);
			b.append('\n');
		}
		if (any) b.append('\n');
	}

	/** Writes the summary and the plot into {@code dir} (each through a temporary file). */
	public static void write(List<StudyRow> rows, Path dir) throws IOException {
		// Plain sibling names, not createTempFile: that would leave the reports readable by their owner only.
		Path md = dir.resolve("." + SUMMARY_MD + ".tmp");
		Files.writeString(md, markdown(rows));
		Files.move(md, dir.resolve(SUMMARY_MD), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		Path png = dir.resolve("." + PLOT_PNG + ".tmp");
		ImageIO.write(plot(rows), "png", png.toFile());
		Files.move(png, dir.resolve(PLOT_PNG), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	/** Mean ± sd test macro-F1 against training fraction (log axis), one panel per dataset and teacher. */
	public static BufferedImage plot(List<StudyRow> rows) {
		var groups = group(rows);
		int panels = Math.max(1, groups.size());
		int cols = Math.min(2, panels);
		int rowsN = (panels + cols - 1) / cols;
		int pw = 560;
		int ph = 400;
		BufferedImage img = new BufferedImage(cols * pw, rowsN * ph, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = img.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, img.getWidth(), img.getHeight());
		int i = 0;
		List<String> allMethods = new ArrayList<>();
		for (var p : groups.values()) for (String m : p.keySet()) if (!allMethods.contains(m)) allMethods.add(m);
		for (var panel : groups.entrySet()) {
			drawPanel(g, panel.getKey(), panel.getValue(), allMethods, (i % cols) * pw, (i / cols) * ph, pw, ph);
			i++;
		}
		g.dispose();
		return img;
	}

	private static void drawPanel(Graphics2D g, String title, Map<String, TreeMap<Double, List<StudyRow>>> methods, List<String> allMethods,
			int x0, int y0, int w, int h) {
		int left = x0 + 60;
		int right = x0 + w - 170;
		int top = y0 + 40;
		int bottom = y0 + h - 50;
		TreeSet<Double> fractions = new TreeSet<>();
		double lo = 1;
		double hi = 0;
		for (var m : methods.values()) {
			for (var e : m.entrySet()) {
				fractions.add(e.getKey());
				Stat s = Stat.of(e.getValue(), StudyRow::testMacroF1);
				if (s.n() == 0) continue;
				lo = Math.min(lo, s.mean() - s.sd());
				hi = Math.max(hi, s.mean() + s.sd());
			}
		}
		if (fractions.isEmpty()) return;
		lo = Math.max(0, Math.floor(lo * 10) / 10);
		hi = Math.min(1, Math.ceil(hi * 10) / 10);
		if (hi <= lo) hi = lo + 0.1;
		double fMin = Math.log(fractions.first());
		double fMax = Math.log(fractions.last());
		double span = fMax > fMin ? fMax - fMin : 1;
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
		g.drawString(title, left, y0 + 22);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		g.drawRect(left, top, right - left, bottom - top);
		for (double v = lo; v <= hi + 1e-9; v += 0.1) {
			int y = (int) (bottom - (v - lo) / (hi - lo) * (bottom - top));
			g.setColor(new Color(230, 230, 230));
			g.drawLine(left + 1, y, right - 1, y);
			g.setColor(Color.BLACK);
			g.drawString(String.format(Locale.ROOT, "%.1f", v), left - 30, y + 4);
		}
		for (double f : fractions) {
			int x = (int) (left + 15 + (Math.log(f) - fMin) / span * (right - left - 30));
			g.drawString(String.format(Locale.ROOT, "%.0f%%", f * 100), x - 10, bottom + 16);
		}
		g.drawString("training fraction (log scale)", (left + right) / 2 - 70, bottom + 36);
		g.rotate(-Math.PI / 2);
		g.drawString("test macro-F1 (mean ± sd)", -(top + bottom) / 2 - 70, x0 + 16);
		g.rotate(Math.PI / 2);
		int legendY = top + 10;
		for (var m : methods.entrySet()) {
			Color c = COLOURS[allMethods.indexOf(m.getKey()) % COLOURS.length];
			g.setColor(c);
			g.setStroke(new BasicStroke(2f));
			int px = -1;
			int py = -1;
			int jitter = (allMethods.indexOf(m.getKey()) - allMethods.size() / 2) * 3;
			for (var e : m.getValue().entrySet()) {
				Stat s = Stat.of(e.getValue(), StudyRow::testMacroF1);
				if (s.n() == 0) continue;
				int x = (int) (left + 15 + (Math.log(e.getKey()) - fMin) / span * (right - left - 30)) + jitter;
				int y = (int) (bottom - (s.mean() - lo) / (hi - lo) * (bottom - top));
				int ySd = (int) (s.sd() / (hi - lo) * (bottom - top));
				g.drawLine(x, y - ySd, x, y + ySd);
				g.fillOval(x - 3, y - 3, 7, 7);
				if (px >= 0) g.drawLine(px, py, x, y);
				px = x;
				py = y;
			}
			g.fillRect(right + 12, legendY - 8, 14, 4);
			g.setColor(Color.BLACK);
			String name = m.getKey().length() > 24 ? m.getKey().substring(0, 23) + "…" : m.getKey();
			g.drawString(name, right + 30, legendY - 2);
			legendY += 16;
		}
		g.setStroke(new BasicStroke(1f));
	}
}
