package org.duodistill.study;

import org.duodistill.select.ElementSelector;
import org.duodistill.train.EmaSchedule;
import org.duodistill.train.Method;
import org.duodistill.train.TrainingOptions;

import java.util.Locale;

/**
 * One column of a study: a method, optionally with changed options, written
 * {@code method[+key=value...]}, e.g. {@code dual-skd+ema=0.996+aux-bn=ema+head-probe=off}. Lets the
 * study compare variants of METHOD.md on validation data with the same teachers and splits.
 */
public record StudyVariant(String label, Method method, String changes) {
	public static StudyVariant parse(String spec) {
		String s = spec.trim();
		String[] parts = s.split("\\+");
		Method m = Method.parse(parts[0]);
		StudyVariant v = new StudyVariant(s, m, s.substring(parts[0].length()));
		v.apply(TrainingOptions.defaults()); // fail now, not hours into a study
		return v;
	}

	/** The options of this variant, starting from {@code base}. */
	public TrainingOptions apply(TrainingOptions base) {
		TrainingOptions o = base.withMethod(method);
		for (String kv : changes.split("\\+")) {
			if (kv.isBlank()) continue;
			int eq = kv.indexOf('=');
			if (eq < 0) throw new IllegalArgumentException("study variant '" + label + "': '" + kv + "' is not key=value");
			String k = kv.substring(0, eq).trim().toLowerCase(Locale.ROOT);
			String v = kv.substring(eq + 1).trim();
			o = switch (k) {
				case "ema" -> o.withEmaMomentum(Double.parseDouble(v));
				case "ema-half-life" -> o.withEma(EmaSchedule.halfLife(Double.parseDouble(v)));
				case "aux-bn" -> o.withAuxiliaryNorm(TrainingOptions.AuxiliaryNorm.parse(v));
				case "head-probe" -> o.withProbeHeads(onOff(k, v));
				case "mutual" -> o.withMutual(onOff(k, v));
				case "deploy-best-of-a-b" -> o.withDeployBestOfAB(onOff(k, v));
				case "selector-b" -> o.withSelectors(o.selectorA(), ElementSelector.parse(v));
				case "kd-weight" -> o.withKdWeight(Double.parseDouble(v));
				default -> throw new IllegalArgumentException("study variant '" + label + "': unknown option '" + k
						+ "' (ema, ema-half-life, aux-bn, head-probe, mutual, deploy-best-of-a-b, selector-b, kd-weight)");
			};
		}
		return o;
	}

	private static boolean onOff(String k, String v) {
		return switch (v.toLowerCase(Locale.ROOT)) {
			case "on", "true", "yes" -> true;
			case "off", "false", "no" -> false;
			default -> throw new IllegalArgumentException(k + " expects on or off, got '" + v + "'");
		};
	}
}
