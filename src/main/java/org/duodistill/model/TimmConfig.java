package org.duodistill.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a timm model repo says about itself in its {@code config.json}: the architecture, and from
 * {@code pretrained_cfg} the input size, normalisation, first convolution and classifier. This
 * is how a Hub teacher needs no {@code --teacher-arch} and no guessed mean/std.
 *
 * @param inputChannels from {@code input_size[0]} (3 for every ImageNet model)
 * @param inputSize the square side of {@code input_size} (timm's models are square)
 * @param firstConv module name of the stem convolution ({@code conv1}, {@code patch_embed.proj}, {@code stem.0})
 * @param classifier module name of the head ({@code fc}, {@code head}, {@code head.fc})
 * @param tag the pretrained tag ({@code a1_in1k}, {@code augreg_in21k}), empty when absent
 */
public record TimmConfig(String architecture, int numClasses, int inputChannels, int inputSize, float[] mean, float[] std,
		String firstConv, String classifier, String tag) {

	/** What a checkpoint without a config is taken to expect: RGB normalised with ImageNet's statistics. */
	public static TimmConfig imagenetDefaults() {
		return new TimmConfig("", 0, 3, 224, org.duodistill.data.Preprocessing.IMAGENET_MEAN.clone(),
				org.duodistill.data.Preprocessing.IMAGENET_STD.clone(), "", "", "");
	}

	/** Reads {@code config.json}; every problem is one line naming the file. */
	public static TimmConfig read(Path file) throws IOException {
		String text;
		try {
			text = Files.readString(file);
		} catch (java.nio.charset.MalformedInputException e) {
			throw new TensorFileException(file, "config.json is not UTF-8 text");
		}
		return parse(text, file);
	}

	public static TimmConfig parse(String json, Path origin) throws TensorFileException {
		JsonObject root;
		try {
			JsonElement e = JsonParser.parseString(json);
			if (!e.isJsonObject()) throw new TensorFileException(origin, "config.json is not a JSON object");
			root = e.getAsJsonObject();
		} catch (JsonParseException e) {
			throw new TensorFileException(origin, "config.json is not valid JSON (" + oneLine(e.getMessage()) + ")");
		}
		String arch = string(root, "architecture");
		if (arch == null) {
			// a transformers-style config names its class, not a timm architecture
			String hint = root.has("architectures") ? " (it looks like a transformers config: " + root.get("architectures") + ")" : "";
			throw new TensorFileException(origin, "config.json has no \"architecture\": not a timm model repo" + hint);
		}
		// timm writes pretrained_cfg; repos pushed by older timm versions wrote default_cfg
		JsonObject cfg = object(root, "pretrained_cfg");
		if (cfg == null) cfg = object(root, "default_cfg");
		if (cfg == null) cfg = new JsonObject();
		int[] input = ints(cfg, "input_size", origin);
		if (input == null) input = new int[] {3, 224, 224};
		if (input.length != 3 || input[0] < 1 || input[1] < 1 || input[2] < 1) {
			throw new TensorFileException(origin, "pretrained_cfg.input_size must be [channels, height, width], got " + cfg.get("input_size"));
		}
		if (input[1] != input[2]) throw new TensorFileException(origin, "pretrained_cfg.input_size " + cfg.get("input_size") + " is not square");
		float[] mean = floats(cfg, "mean", origin);
		float[] std = floats(cfg, "std", origin);
		if (mean == null) mean = input[0] == 3 ? org.duodistill.data.Preprocessing.IMAGENET_MEAN.clone() : filled(input[0], 0.5f);
		if (std == null) std = input[0] == 3 ? org.duodistill.data.Preprocessing.IMAGENET_STD.clone() : filled(input[0], 0.5f);
		if (mean.length != input[0] || std.length != input[0]) {
			throw new TensorFileException(origin, "pretrained_cfg mean/std have " + mean.length + "/" + std.length + " values for " + input[0]
					+ " input channels");
		}
		for (float s : std) if (!(s > 0)) throw new TensorFileException(origin, "pretrained_cfg.std must be positive, got " + cfg.get("std"));
		int classes = root.has("num_classes") ? integer(root, "num_classes", origin) : cfg.has("num_classes") ? integer(cfg, "num_classes", origin) : 0;
		String first = string(cfg, "first_conv");
		String head = string(cfg, "classifier");
		String tag = string(cfg, "tag");
		return new TimmConfig(arch, classes, input[0], input[1], mean, std, first == null ? "" : first, head == null ? "" : head,
				tag == null ? "" : tag);
	}

	/**
	 * One channel for grey images when the first convolution's input channels are summed: a grey
	 * image replicated to RGB and normalised with per-channel statistics equals the grey image
	 * normalised with their averages only when those are equal; averages are timm's practice.
	 */
	public float[] meanFor(int channels) {
		return channels == inputChannels ? mean.clone() : new float[] {average(mean)};
	}

	public float[] stdFor(int channels) {
		return channels == inputChannels ? std.clone() : new float[] {average(std)};
	}

	/** The architecture and tag as timm names a pretrained model, e.g. {@code resnet18.a1_in1k}. */
	public String fullName() {
		return tag.isEmpty() ? architecture : architecture + "." + tag;
	}

	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.addProperty("architecture", architecture);
		o.addProperty("tag", tag);
		o.addProperty("num_classes", numClasses);
		JsonArray in = new JsonArray();
		in.add(inputChannels);
		in.add(inputSize);
		in.add(inputSize);
		o.add("input_size", in);
		o.add("mean", array(mean));
		o.add("std", array(std));
		o.addProperty("first_conv", firstConv);
		o.addProperty("classifier", classifier);
		return o;
	}

	private static JsonArray array(float[] v) {
		JsonArray a = new JsonArray();
		for (float x : v) a.add(x);
		return a;
	}

	private static float average(float[] v) {
		double s = 0;
		for (float x : v) s += x;
		return (float) (s / v.length);
	}

	private static float[] filled(int n, float v) {
		float[] a = new float[n];
		java.util.Arrays.fill(a, v);
		return a;
	}

	private static String oneLine(String s) {
		return s == null ? "" : s.replaceAll("\\s+", " ").trim();
	}

	private static String string(JsonObject o, String key) {
		JsonElement e = o.get(key);
		return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() && !e.getAsString().isBlank() ? e.getAsString().trim() : null;
	}

	private static JsonObject object(JsonObject o, String key) {
		JsonElement e = o.get(key);
		return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
	}

	private static int integer(JsonObject o, String key, Path origin) throws TensorFileException {
		try {
			return o.get(key).getAsInt();
		} catch (RuntimeException e) {
			throw new TensorFileException(origin, "config.json: \"" + key + "\" must be a whole number, got " + o.get(key));
		}
	}

	private static int[] ints(JsonObject o, String key, Path origin) throws TensorFileException {
		float[] f = floats(o, key, origin);
		if (f == null) return null;
		int[] out = new int[f.length];
		for (int i = 0; i < f.length; i++) out[i] = Math.round(f[i]);
		return out;
	}

	private static float[] floats(JsonObject o, String key, Path origin) throws TensorFileException {
		JsonElement e = o.get(key);
		if (e == null || e.isJsonNull()) return null;
		try {
			if (e.isJsonPrimitive()) return new float[] {e.getAsFloat()};
			JsonArray a = e.getAsJsonArray();
			float[] out = new float[a.size()];
			for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsFloat();
			return out;
		} catch (RuntimeException x) {
			throw new TensorFileException(origin, "config.json: \"" + key + "\" must be a list of numbers, got " + e);
		}
	}
}
