package org.duodistill.model;

import com.google.gson.JsonObject;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * A ConvNeXt (Liu et al., 2022) as timm builds {@code convnext_*}: stem {@code stem.0} (4x4 conv,
 * stride 4) and {@code stem.1} (LayerNorm over channels); four stages {@code stages.i}, each but
 * the first opened by {@code downsample.0} (LayerNorm) and {@code downsample.1} (2x2 conv, stride
 * 2); blocks {@code blocks.j}: depthwise 7x7 {@code conv_dw}, {@code norm}, {@code mlp.fc1}, GELU,
 * {@code mlp.fc2}, layer scale {@code gamma}, residual; head {@code head.norm} then
 * {@code head.fc} on the globally averaged features. LayerNorm eps 1e-6.
 */
public record ConvNeXtSpec(String name, int[] depths, int[] dims, int inChannels, int numClasses) implements ModelSpec {

	public static final String FAMILY = "convnext";

	public ConvNeXtSpec {
		if (depths.length != 4 || dims.length != 4) throw new IllegalArgumentException("a ConvNeXt has four stages");
		for (int i = 0; i < 4; i++) {
			if (depths[i] < 1 || dims[i] < 1) throw new IllegalArgumentException("stage " + i + " needs depth and width >= 1");
		}
		if (inChannels != 1 && inChannels != 3) throw new IllegalArgumentException("input channels must be 1 or 3, got " + inChannels);
		if (numClasses < 1) throw new IllegalArgumentException("numClasses must be >= 1");
		depths = depths.clone();
		dims = dims.clone();
	}

	@Override
	public String family() {
		return FAMILY;
	}

	@Override
	public ConvNeXtSpec withClasses(int n) {
		return new ConvNeXtSpec(name, depths, dims, inChannels, n);
	}

	@Override
	public ConvNeXtSpec withInChannels(int c) {
		return new ConvNeXtSpec(name, depths, dims, c, numClasses);
	}

	@Override
	public LinkedHashMap<String, long[]> tensorShapes() {
		LinkedHashMap<String, long[]> s = new LinkedHashMap<>();
		s.put("stem.0.weight", new long[] {dims[0], inChannels, 4, 4});
		s.put("stem.0.bias", new long[] {dims[0]});
		s.put("stem.1.weight", new long[] {dims[0]});
		s.put("stem.1.bias", new long[] {dims[0]});
		for (int i = 0; i < 4; i++) {
			String p = "stages." + i + ".";
			long d = dims[i];
			if (i > 0) {
				s.put(p + "downsample.0.weight", new long[] {dims[i - 1]});
				s.put(p + "downsample.0.bias", new long[] {dims[i - 1]});
				s.put(p + "downsample.1.weight", new long[] {d, dims[i - 1], 2, 2});
				s.put(p + "downsample.1.bias", new long[] {d});
			}
			for (int j = 0; j < depths[i]; j++) {
				String b = p + "blocks." + j + ".";
				s.put(b + "gamma", new long[] {d});
				s.put(b + "conv_dw.weight", new long[] {d, 1, 7, 7});
				s.put(b + "conv_dw.bias", new long[] {d});
				s.put(b + "norm.weight", new long[] {d});
				s.put(b + "norm.bias", new long[] {d});
				s.put(b + "mlp.fc1.weight", new long[] {4 * d, d});
				s.put(b + "mlp.fc1.bias", new long[] {4 * d});
				s.put(b + "mlp.fc2.weight", new long[] {d, 4 * d});
				s.put(b + "mlp.fc2.bias", new long[] {d});
			}
		}
		s.put("head.norm.weight", new long[] {dims[3]});
		s.put("head.norm.bias", new long[] {dims[3]});
		s.put("head.fc.weight", new long[] {numClasses, dims[3]});
		s.put("head.fc.bias", new long[] {numClasses});
		return s;
	}

	@Override
	public boolean isStatistic(String tensorName) {
		return false;
	}

	/** Only the classifier: {@code head.norm} normalises the features and is selected like any norm. */
	@Override
	public boolean isHead(String tensorName) {
		return tensorName.startsWith("head.fc.");
	}

	@Override
	public Network network() {
		return new ConvNeXtNetwork(this);
	}

	@Override
	public long flops(int size) {
		long macs = 0;
		int h = size / 4;
		macs += (long) dims[0] * inChannels * 16 * h * h;
		for (int i = 0; i < 4; i++) {
			if (i > 0) {
				h = h / 2;
				macs += (long) dims[i] * dims[i - 1] * 4 * h * h;
			}
			long hw = (long) h * h;
			macs += depths[i] * (dims[i] * 49L * hw + 8L * dims[i] * dims[i] * hw);
		}
		macs += (long) dims[3] * numClasses;
		return 2 * macs;
	}

	@Override
	public String incompatibilityWith(ModelSpec teacher) {
		if (!(teacher instanceof ConvNeXtSpec t)) return "student " + name + " is a ConvNeXt but the teacher is a " + teacher.family();
		for (int i = 0; i < 4; i++) {
			if (depths[i] > t.depths[i]) {
				return String.format(Locale.ROOT, "student %s is deeper than teacher %s in stage %d (%d blocks > %d)", name, t.name, i, depths[i], t.depths[i]);
			}
			if (dims[i] > t.dims[i]) {
				return String.format(Locale.ROOT, "student %s is wider than teacher %s in stage %d (%d > %d)", name, t.name, i, dims[i], t.dims[i]);
			}
		}
		if (inChannels != t.inChannels) return "student has " + inChannels + " input channels, teacher " + t.inChannels;
		return null;
	}

	@Override
	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.addProperty("family", FAMILY);
		o.addProperty("name", name);
		o.add("depths", JsonInts.array(depths));
		o.add("dims", JsonInts.array(dims));
		o.addProperty("in_channels", inChannels);
		o.addProperty("num_classes", numClasses);
		return o;
	}

	public static ConvNeXtSpec fromJson(JsonObject o) {
		return new ConvNeXtSpec(o.get("name").getAsString(), JsonInts.ints(o.getAsJsonArray("depths")), JsonInts.ints(o.getAsJsonArray("dims")),
				o.get("in_channels").getAsInt(), o.get("num_classes").getAsInt());
	}


	@Override
	public boolean equals(Object o) {
		return o instanceof ConvNeXtSpec c && Arrays.equals(c.depths, depths) && Arrays.equals(c.dims, dims) && c.inChannels == inChannels
				&& c.numClasses == numClasses;
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(depths) * 31 + Arrays.hashCode(dims) + inChannels * 7 + numClasses;
	}

	@Override
	public String toString() {
		return name + "[convnext depths=" + Arrays.toString(depths) + " dims=" + Arrays.toString(dims) + " in=" + inChannels + " classes="
				+ numClasses + "]";
	}
}
