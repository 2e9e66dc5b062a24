package org.duodistill.model;

import com.google.gson.JsonObject;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A Vision Transformer (Dosovitskiy et al.) as timm builds {@code vit_*_patch*}: patch embedding
 * {@code patch_embed.proj}, a class token {@code cls_token} and learned absolute position
 * embeddings {@code pos_embed} (class token included), pre-norm blocks {@code blocks.i} (LayerNorm
 * eps 1e-6, fused {@code attn.qkv}, {@code attn.proj}, GELU MLP {@code mlp.fc1/fc2}), a final
 * {@code norm} and the {@code head} on the class token.
 */
public record ViTSpec(String name, int embedDim, int depth, int heads, int mlpHidden, int patch, int imageSize, int inChannels,
		int numClasses) implements ModelSpec {

	public static final String FAMILY = "vit";

	public ViTSpec {
		if (embedDim < 1 || depth < 1 || heads < 1 || mlpHidden < 1 || patch < 1) throw new IllegalArgumentException("ViT sizes must be >= 1");
		if (embedDim % heads != 0) throw new IllegalArgumentException("ViT embedding width " + embedDim + " is not divisible by " + heads + " heads");
		if (imageSize < patch || imageSize % patch != 0) {
			throw new IllegalArgumentException("ViT input size " + imageSize + " is not a multiple of its patch size " + patch
					+ "; choose --size as a multiple of " + patch);
		}
		if (inChannels != 1 && inChannels != 3) throw new IllegalArgumentException("input channels must be 1 or 3, got " + inChannels);
		if (numClasses < 1) throw new IllegalArgumentException("numClasses must be >= 1");
	}

	public int grid() {
		return imageSize / patch;
	}

	/** Patches plus the class token. */
	public int tokens() {
		return grid() * grid() + 1;
	}

	@Override
	public String family() {
		return FAMILY;
	}

	@Override
	public ViTSpec withClasses(int n) {
		return new ViTSpec(name, embedDim, depth, heads, mlpHidden, patch, imageSize, inChannels, n);
	}

	@Override
	public ViTSpec withInChannels(int c) {
		return new ViTSpec(name, embedDim, depth, heads, mlpHidden, patch, imageSize, c, numClasses);
	}

	@Override
	public ViTSpec withImageSize(int size) {
		if (size <= 0 || size == imageSize) return this;
		return new ViTSpec(name, embedDim, depth, heads, mlpHidden, patch, size, inChannels, numClasses);
	}

	@Override
	public LinkedHashMap<String, long[]> tensorShapes() {
		LinkedHashMap<String, long[]> s = new LinkedHashMap<>();
		long d = embedDim;
		s.put("cls_token", new long[] {1, 1, d});
		s.put("pos_embed", new long[] {1, tokens(), d});
		s.put("patch_embed.proj.weight", new long[] {d, inChannels, patch, patch});
		s.put("patch_embed.proj.bias", new long[] {d});
		for (int i = 0; i < depth; i++) {
			String p = "blocks." + i + ".";
			s.put(p + "norm1.weight", new long[] {d});
			s.put(p + "norm1.bias", new long[] {d});
			s.put(p + "attn.qkv.weight", new long[] {3 * d, d});
			s.put(p + "attn.qkv.bias", new long[] {3 * d});
			s.put(p + "attn.proj.weight", new long[] {d, d});
			s.put(p + "attn.proj.bias", new long[] {d});
			s.put(p + "norm2.weight", new long[] {d});
			s.put(p + "norm2.bias", new long[] {d});
			s.put(p + "mlp.fc1.weight", new long[] {mlpHidden, d});
			s.put(p + "mlp.fc1.bias", new long[] {mlpHidden});
			s.put(p + "mlp.fc2.weight", new long[] {d, mlpHidden});
			s.put(p + "mlp.fc2.bias", new long[] {d});
		}
		s.put("norm.weight", new long[] {d});
		s.put("norm.bias", new long[] {d});
		s.put("head.weight", new long[] {numClasses, d});
		s.put("head.bias", new long[] {numClasses});
		return s;
	}

	/**
	 * timm's {@code no_weight_decay()} for ViT: the class token and position embeddings are not
	 * decayed (they are 3-D, so the rank rule alone would decay them), besides biases and norms.
	 */
	@Override
	public boolean decays(String tensorName, long[] shape) {
		return shape.length > 1 && !tensorName.equals("cls_token") && !tensorName.equals("pos_embed");
	}

	@Override
	public boolean isStatistic(String tensorName) {
		return false;
	}

	@Override
	public boolean isHead(String tensorName) {
		return tensorName.startsWith("head.");
	}

	@Override
	public int fusedBlocks(String tensorName) {
		return tensorName.endsWith("attn.qkv.weight") || tensorName.endsWith("attn.qkv.bias") ? 3 : 1;
	}

	@Override
	public LinkedHashMap<String, HostTensor> adaptWeights(ModelSpec from, Map<String, HostTensor> weights) {
		LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>(weights);
		HostTensor pos = weights.get("pos_embed");
		if (pos != null && pos.rank() == 3 && pos.dim(1) != tokens()) {
			out.put("pos_embed", PositionEmbedding.resample(pos, 1, grid()));
		}
		return out;
	}

	@Override
	public Network network() {
		return new ViTNetwork(this);
	}

	@Override
	public long flops(int size) {
		long t = tokens();
		long d = embedDim;
		long macs = (long) grid() * grid() * d * inChannels * patch * patch;
		long perBlock = t * d * 3 * d + 2 * t * t * d + t * d * d + 2 * t * d * mlpHidden;
		macs += depth * perBlock + d * numClasses;
		return 2 * macs;
	}

	@Override
	public String incompatibilityWith(ModelSpec teacher) {
		if (!(teacher instanceof ViTSpec t)) return "student " + name + " is a ViT but the teacher is a " + teacher.family();
		if (depth > t.depth) return String.format(Locale.ROOT, "student %s is deeper than teacher %s (%d blocks > %d)", name, t.name, depth, t.depth);
		if (embedDim > t.embedDim) return String.format(Locale.ROOT, "student %s is wider than teacher %s (%d > %d)", name, t.name, embedDim, t.embedDim);
		if (mlpHidden > t.mlpHidden) return "student " + name + " has a wider MLP than teacher " + t.name;
		if (patch != t.patch) return "student " + name + " has patch size " + patch + ", teacher " + t.name + " " + t.patch;
		if (embedDim / heads != t.embedDim / t.heads) {
			return "student " + name + " has head width " + embedDim / heads + ", teacher " + t.name + " " + t.embedDim / t.heads
					+ " (weight selection keeps the head width: choose heads = width / " + t.embedDim / t.heads + ")";
		}
		if (inChannels != t.inChannels) return "student has " + inChannels + " input channels, teacher " + t.inChannels;
		return null;
	}

	@Override
	public JsonObject toJson() {
		JsonObject o = new JsonObject();
		o.addProperty("family", FAMILY);
		o.addProperty("name", name);
		o.addProperty("embed_dim", embedDim);
		o.addProperty("depth", depth);
		o.addProperty("heads", heads);
		o.addProperty("mlp_hidden", mlpHidden);
		o.addProperty("patch_size", patch);
		o.addProperty("image_size", imageSize);
		o.addProperty("in_channels", inChannels);
		o.addProperty("num_classes", numClasses);
		return o;
	}

	public static ViTSpec fromJson(JsonObject o) {
		return new ViTSpec(o.get("name").getAsString(), o.get("embed_dim").getAsInt(), o.get("depth").getAsInt(), o.get("heads").getAsInt(),
				o.get("mlp_hidden").getAsInt(), o.get("patch_size").getAsInt(), o.get("image_size").getAsInt(), o.get("in_channels").getAsInt(),
				o.get("num_classes").getAsInt());
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof ViTSpec v && v.embedDim == embedDim && v.depth == depth && v.heads == heads && v.mlpHidden == mlpHidden
				&& v.patch == patch && v.imageSize == imageSize && v.inChannels == inChannels && v.numClasses == numClasses;
	}

	@Override
	public int hashCode() {
		return java.util.Objects.hash(embedDim, depth, heads, mlpHidden, patch, imageSize, inChannels, numClasses);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s[vit dim=%d depth=%d heads=%d mlp=%d patch=%d size=%d in=%d classes=%d]", name, embedDim,
				depth, heads, mlpHidden, patch, imageSize, inChannels, numClasses);
	}
}
