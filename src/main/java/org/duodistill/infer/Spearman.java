package org.duodistill.infer;

import java.util.Arrays;
import java.util.Comparator;

/** Spearman's rank correlation (ties share their mean rank): how alike two maps order their pixels. */
public final class Spearman {
	private Spearman() {}

	public static double rho(float[] a, float[] b) {
		if (a.length != b.length) throw new IllegalArgumentException("maps of different sizes");
		double[] ra = ranks(a), rb = ranks(b);
		double ma = 0, mb = 0;
		for (int i = 0; i < ra.length; i++) {
			ma += ra[i];
			mb += rb[i];
		}
		ma /= ra.length;
		mb /= rb.length;
		double sab = 0, saa = 0, sbb = 0;
		for (int i = 0; i < ra.length; i++) {
			sab += (ra[i] - ma) * (rb[i] - mb);
			saa += (ra[i] - ma) * (ra[i] - ma);
			sbb += (rb[i] - mb) * (rb[i] - mb);
		}
		return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
	}

	static double[] ranks(float[] v) {
		Integer[] order = new Integer[v.length];
		for (int i = 0; i < v.length; i++) order[i] = i;
		Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
		double[] r = new double[v.length];
		for (int i = 0; i < v.length;) {
			int j = i;
			while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) j++;
			double mean = (i + j) / 2.0;
			for (int k = i; k <= j; k++) r[order[k]] = mean;
			i = j + 1;
		}
		return r;
	}
}
