package org.duodistill.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

import java.util.Arrays;

/**
 * How an image becomes a network input (METHOD.md step 0): resize to size x size, robust per-image
 * scaling (low..high percentile to [0,1], any bit depth or unit), channel conversion, then mean/std
 * normalisation. Stored in model.json so inference does exactly what training did.
 */
public record Preprocessing(int size, int channels, double lowPercentile, double highPercentile, float[] mean,
		float[] std) {

	public static final double DEFAULT_LOW = 0.5;
	public static final double DEFAULT_HIGH = 99.5;
	/** ImageNet statistics, for teachers pretrained on ImageNet. */
	public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
	public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

	public static final int MIN_SIZE = 8;
	public static final int MAX_SIZE = 4096;

	public Preprocessing {
		if (size < MIN_SIZE || size > MAX_SIZE) throw new IllegalArgumentException("input size must be " + MIN_SIZE + ".." + MAX_SIZE + ", got " + size);
		if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3");
		if (mean.length != channels || std.length != channels) throw new IllegalArgumentException("mean/std need one value per channel");
		for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std must be positive");
	}

	/**
	 * Resized, robustly scaled to [0,1] but not yet normalised, at the plane's own channel count:
	 * the form that is cached and augmented.
	 */
	public static float[] scaled(ImagePlane plane, int size, double low, double high) {
		int c = plane.channels();
		int n = plane.width() * plane.height();
		float[] out = new float[c * size * size];
		for (int ch = 0; ch < c; ch++) {
			float[] src = c == 1 ? plane.pixels() : Arrays.copyOfRange(plane.pixels(), ch * n, (ch + 1) * n);
			float[] resized = resize(src, plane.width(), plane.height(), size);
			System.arraycopy(resized, 0, out, ch * size * size, size * size);
		}
		// One range for all channels keeps colour balance. Percentiles of the finite values only: NaN
		// ("no data" in 32-bit images) or infinities would otherwise make the range NaN and blank the image.
		float[] finiteValues = new float[out.length];
		int finite = 0;
		for (float v : out) if (Float.isFinite(v)) finiteValues[finite++] = v;
		float[] range2 = finite == 0 ? new float[2] : percentiles(finiteValues, finite, low, high);
		float lo = range2[0];
		float hi = range2[1];
		float range = hi - lo;
		for (int i = 0; i < out.length; i++) {
			float v = range > 0 ? (out[i] - lo) / range : 0f;
			if (Float.isNaN(v)) v = 0f;
			out[i] = Math.max(0f, Math.min(1f, v));
		}
		return out;
	}

	/**
	 * The low and high percentiles of the first {@code n} values (finite; reordered), interpolated
	 * linearly between order statistics as {@link #percentile} does on sorted values, found by
	 * selection: the four order statistics needed instead of a sort of the whole image.
	 */
	static float[] percentiles(float[] values, int n, double low, double high) {
		double posLo = low / 100.0 * (n - 1);
		double posHi = high / 100.0 * (n - 1);
		int i = (int) Math.floor(posLo);
		int k = (int) Math.floor(posHi);
		if (k < i) throw new IllegalArgumentException("low percentile above high: " + low + " > " + high);
		select(values, 0, n - 1, i);
		float ai = values[i];
		float aj = i + 1 < n ? min(values, i + 1, n) : ai;
		float ak;
		float al;
		if (k == i) {
			ak = ai;
			al = aj;
		} else {
			// everything after i is at least values[i]: the k-th smallest is among them
			select(values, i + 1, n - 1, k);
			ak = values[k];
			al = k + 1 < n ? min(values, k + 1, n) : ak;
		}
		return new float[] {interpolated(ai, aj, posLo - i), interpolated(ak, al, posHi - k)};
	}

	private static float interpolated(float a, float b, double f) {
		return (float) (a * (1 - f) + b * f);
	}

	private static float min(float[] v, int from, int to) {
		float m = v[from];
		for (int i = from + 1; i < to; i++) if (v[i] < m) m = v[i];
		return m;
	}

	/** Reorders v[from..to] so that v[k] holds the value a sort would put there, smaller or equal values before it, larger or equal after. */
	private static void select(float[] v, int from, int to, int k) {
		while (to > from) {
			int mid = (from + to) >>> 1;
			// median of three as the pivot: sorted or constant regions stay linear
			if (v[mid] < v[from]) swap(v, mid, from);
			if (v[to] < v[from]) swap(v, to, from);
			if (v[to] < v[mid]) swap(v, to, mid);
			float pivot = v[mid];
			int a = from;
			int b = to;
			while (a <= b) {
				while (v[a] < pivot) a++;
				while (v[b] > pivot) b--;
				if (a <= b) swap(v, a++, b--);
			}
			if (k <= b) to = b;
			else if (k >= a) from = a;
			else return;
		}
	}

	private static void swap(float[] v, int a, int b) {
		float t = v[a];
		v[a] = v[b];
		v[b] = t;
	}

	static float percentile(float[] sorted, double p) {
		double pos = p / 100.0 * (sorted.length - 1);
		int i = (int) Math.floor(pos);
		int j = Math.min(sorted.length - 1, i + 1);
		double f = pos - i;
		return (float) (sorted[i] * (1 - f) + sorted[j] * f);
	}

	private static float[] resize(float[] src, int w, int h, int size) {
		if (w == size && h == size) return src;
		if (w >= size && h >= size) {
			// Shrinking: exact area averaging, separable, one pass per axis.
			return areaResizeColumns(areaResizeRows(src, w, h, size), size, h, size);
		}
		FloatProcessor fp = new FloatProcessor(w, h, src);
		fp.setInterpolationMethod(ImageProcessor.BILINEAR);
		return (float[]) fp.resize(size, size, true).getPixels();
	}

	/** Each output column averages the input columns it covers, fractional ones by their share. */
	private static float[] areaResizeRows(float[] src, int w, int h, int ow) {
		float[] out = new float[ow * h];
		double scale = (double) w / ow;
		for (int ox = 0; ox < ow; ox++) {
			double a = ox * scale;
			double b = a + scale;
			int i0 = (int) Math.floor(a);
			int i1 = Math.min(w - 1, (int) Math.ceil(b) - 1);
			for (int y = 0; y < h; y++) {
				double sum = 0;
				int row = y * w;
				for (int i = i0; i <= i1; i++) {
					double cover = Math.min(b, i + 1) - Math.max(a, i);
					sum += src[row + i] * cover;
				}
				out[y * ow + ox] = (float) (sum / scale);
			}
		}
		return out;
	}

	private static float[] areaResizeColumns(float[] src, int w, int h, int oh) {
		float[] out = new float[w * oh];
		double scale = (double) h / oh;
		for (int oy = 0; oy < oh; oy++) {
			double a = oy * scale;
			double b = a + scale;
			int j0 = (int) Math.floor(a);
			int j1 = Math.min(h - 1, (int) Math.ceil(b) - 1);
			for (int j = j0; j <= j1; j++) {
				double cover = (Math.min(b, j + 1) - Math.max(a, j)) / scale;
				int row = j * w;
				for (int x = 0; x < w; x++) out[oy * w + x] += (float) (src[row + x] * cover);
			}
		}
		return out;
	}

	/** Converts a cached [c, size, size] array to this model's channels and normalises it. */
	public float[] normalise(float[] scaled, int sourceChannels) {
		int n = size * size;
		float[] out = new float[channels * n];
		for (int ch = 0; ch < channels; ch++) {
			for (int i = 0; i < n; i++) {
				float v;
				if (sourceChannels == channels) {
					v = scaled[ch * n + i];
				} else if (sourceChannels == 1) {
					v = scaled[i];
				} else {
					v = 0.299f * scaled[i] + 0.587f * scaled[n + i] + 0.114f * scaled[2 * n + i];
				}
				out[ch * n + i] = (v - mean[ch]) / std[ch];
			}
		}
		return out;
	}

	/** Convenience for inference: plane -> normalised network input. */
	public float[] apply(ImagePlane plane) {
		return normalise(scaled(plane, size, lowPercentile, highPercentile), plane.channels());
	}

	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.addProperty("size", size);
		o.addProperty("channels", channels);
		o.addProperty("resize", "bilinear, stretched to a square, averaging when shrinking");
		o.addProperty("intensity", "per-image robust scaling: percentiles to [0,1], clipped");
		o.addProperty("low_percentile", lowPercentile);
		o.addProperty("high_percentile", highPercentile);
		o.add("mean", floats(mean));
		o.add("std", floats(std));
		return o;
	}

	public static Preprocessing fromJson(JsonObject o) {
		return new Preprocessing(o.get("size").getAsInt(), o.get("channels").getAsInt(), o.get("low_percentile").getAsDouble(),
				o.get("high_percentile").getAsDouble(), toFloats(o.getAsJsonArray("mean")), toFloats(o.getAsJsonArray("std")));
	}

	private static JsonArray floats(float[] v) {
		JsonArray a = new JsonArray();
		for (float x : v) a.add(x);
		return a;
	}

	private static float[] toFloats(JsonArray a) {
		float[] v = new float[a.size()];
		for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsFloat();
		return v;
	}
}
