package org.duodistill.model;

import com.google.gson.JsonObject;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * A ResNet (He et al.) with torchvision / timm tensor names: stem {@code conv1, bn1}, four stages
 * {@code layer1..layer4} of basic or bottleneck blocks (v1.5: stride on the 3x3 conv), and {@code fc}.
 */
public record ResNetSpec(String name, boolean bottleneck, int[] depths, int[] widths, int stemWidth, int inChannels,
		int numClasses) implements ModelSpec {

	public static final String FAMILY = "resnet";

	public ResNetSpec {
		if (depths.length != 4 || widths.length != 4) throw new IllegalArgumentException("a ResNet has four stages");
		for (int i = 0; i < 4; i++) {
			if (depths[i] < 1 || widths[i] < 1) throw new IllegalArgumentException("stage " + (i + 1) + " needs depth and width >= 1");
		}
		if (inChannels != 1 && inChannels != 3) throw new IllegalArgumentException("input channels must be 1 or 3, got " + inChannels);
		if (numClasses < 1) throw new IllegalArgumentException("numClasses must be >= 1");
		depths = depths.clone();
		widths = widths.clone();
	}

	public int expansion() {
		return bottleneck ? 4 : 1;
	}

	public int featureDim() {
		return widths[3] * expansion();
	}

	@Override
	public String family() {
		return FAMILY;
	}

	@Override
	public ResNetSpec withClasses(int n) {
		return new ResNetSpec(name, bottleneck, depths, widths, stemWidth, inChannels, n);
	}

	@Override
	public ResNetSpec withInChannels(int c) {
		return new ResNetSpec(name, bottleneck, depths, widths, stemWidth, c, numClasses);
	}

	@Override
	public LinkedHashMap<String, long[]> tensorShapes() {
		LinkedHashMap<String, long[]> s = new LinkedHashMap<>();
		s.put("conv1.weight", new long[] {stemWidth, inChannels, 7, 7});
		bn(s, "bn1", stemWidth);
		int in = stemWidth;
		for (int stage = 0; stage < 4; stage++) {
			int w = widths[stage];
			int out = w * expansion();
			for (int b = 0; b < depths[stage]; b++) {
				String p = "layer" + (stage + 1) + "." + b + ".";
				if (bottleneck) {
					s.put(p + "conv1.weight", new long[] {w, in, 1, 1});
					bn(s, p + "bn1", w);
					s.put(p + "conv2.weight", new long[] {w, w, 3, 3});
					bn(s, p + "bn2", w);
					s.put(p + "conv3.weight", new long[] {out, w, 1, 1});
					bn(s, p + "bn3", out);
				} else {
					s.put(p + "conv1.weight", new long[] {w, in, 3, 3});
					bn(s, p + "bn1", w);
					s.put(p + "conv2.weight", new long[] {w, w, 3, 3});
					bn(s, p + "bn2", w);
				}
				if (b == 0 && (stride(stage) != 1 || in != out)) {
					s.put(p + "downsample.0.weight", new long[] {out, in, 1, 1});
					bn(s, p + "downsample.1", out);
				}
				in = out;
			}
		}
		s.put("fc.weight", new long[] {numClasses, in});
		s.put("fc.bias", new long[] {numClasses});
		return s;
	}

	static int stride(int stage) {
		return stage == 0 ? 1 : 2;
	}

	private static void bn(LinkedHashMap<String, long[]> s, String p, int c) {
		s.put(p + ".weight", new long[] {c});
		s.put(p + ".bias", new long[] {c});
		s.put(p + ".running_mean", new long[] {c});
		s.put(p + ".running_var", new long[] {c});
	}

	@Override
	public boolean isStatistic(String tensorName) {
		return tensorName.endsWith(".running_mean") || tensorName.endsWith(".running_var");
	}

	@Override
	public boolean isHead(String tensorName) {
		return tensorName.startsWith("fc.");
	}

	@Override
	public Network network() {
		return new ResNetNetwork(this);
	}

	@Override
	public long flops(int size) {
		long macs = 0;
		int h = convOut(size, 7, 2, 3);
		macs += (long) stemWidth * inChannels * 49 * h * h;
		h = convOut(h, 3, 2, 1);
		int in = stemWidth;
		for (int stage = 0; stage < 4; stage++) {
			int w = widths[stage];
			int out = w * expansion();
			for (int b = 0; b < depths[stage]; b++) {
				int s = b == 0 ? stride(stage) : 1;
				int ho = convOut(h, 3, s, 1);
				if (bottleneck) {
					macs += (long) w * in * h * h + (long) w * w * 9 * ho * ho + (long) out * w * ho * ho;
				} else {
					macs += (long) w * in * 9 * ho * ho + (long) w * w * 9 * ho * ho;
				}
				if (b == 0 && (s != 1 || in != out)) macs += (long) out * in * ho * ho;
				h = ho;
				in = out;
			}
		}
		macs += (long) numClasses * in;
		return 2 * macs;
	}

	static int convOut(int size, int kernel, int stride, int pad) {
		return (size + 2 * pad - kernel) / stride + 1;
	}

	@Override
	public String incompatibilityWith(ModelSpec teacher) {
		if (!(teacher instanceof ResNetSpec t)) {
			return "student " + name + " is a ResNet but the teacher is a " + teacher.family();
		}
		if (t.bottleneck != bottleneck) {
			return "student " + name + " uses " + blockName() + " blocks but teacher " + t.name + " uses " + t.blockName() + " blocks";
		}
		for (int i = 0; i < 4; i++) {
			if (depths[i] > t.depths[i]) {
				return String.format(Locale.ROOT, "student %s is deeper than teacher %s in stage %d (%d blocks > %d)", name, t.name, i + 1, depths[i], t.depths[i]);
			}
			if (widths[i] > t.widths[i]) {
				return String.format(Locale.ROOT, "student %s is wider than teacher %s in stage %d (%d > %d)", name, t.name, i + 1, widths[i], t.widths[i]);
			}
		}
		if (stemWidth > t.stemWidth) return "student " + name + " has a wider stem than teacher " + t.name;
		if (inChannels != t.inChannels) return "student has " + inChannels + " input channels, teacher " + t.inChannels;
		return null;
	}

	public String blockName() {
		return bottleneck ? "bottleneck" : "basic";
	}

	@Override
	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.addProperty("family", FAMILY);
		o.addProperty("name", name);
		o.addProperty("block", blockName());
		o.add("depths", JsonInts.array(depths));
		o.add("widths", JsonInts.array(widths));
		o.addProperty("stem_width", stemWidth);
		o.addProperty("in_channels", inChannels);
		o.addProperty("num_classes", numClasses);
		return o;
	}

	public static ResNetSpec fromJson(JsonObject o) {
		return new ResNetSpec(o.get("name").getAsString(), o.get("block").getAsString().equals("bottleneck"),
				JsonInts.ints(o.getAsJsonArray("depths")), JsonInts.ints(o.getAsJsonArray("widths")), o.get("stem_width").getAsInt(),
				o.get("in_channels").getAsInt(), o.get("num_classes").getAsInt());
	}


	@Override
	public boolean equals(Object o) {
		return o instanceof ResNetSpec r && r.bottleneck == bottleneck && Arrays.equals(r.depths, depths)
				&& Arrays.equals(r.widths, widths) && r.stemWidth == stemWidth && r.inChannels == inChannels
				&& r.numClasses == numClasses;
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(depths) * 31 + Arrays.hashCode(widths) + stemWidth + (bottleneck ? 7 : 0);
	}

	@Override
	public String toString() {
		return name + "[" + blockName() + " depths=" + Arrays.toString(depths) + " widths=" + Arrays.toString(widths)
				+ " stem=" + stemWidth + " in=" + inChannels + " classes=" + numClasses + "]";
	}
}
