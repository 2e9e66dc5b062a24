package org.duodistill.model;

import com.google.gson.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The architecture registry: names such as {@code resnet18}, {@code resnet50} (torchvision sizes) and
 * {@code resnet10-w32} (depth variant, base width 32). Later families register here too.
 */
public final class Architectures {
	/** Teacher and student used when the user names none: the student has under a quarter of the parameters. */
	public static final String DEFAULT_TEACHER = "resnet18";
	public static final String DEFAULT_STUDENT = "resnet10-w32";

	private static final Pattern RESNET = Pattern.compile("resnet(\\d+)(?:-w(\\d+))?");
	private static final Map<Integer, int[]> RESNET_DEPTHS = Map.of(
			10, new int[] {1, 1, 1, 1},
			18, new int[] {2, 2, 2, 2},
			26, new int[] {2, 2, 2, 2},
			34, new int[] {3, 4, 6, 3},
			50, new int[] {3, 4, 6, 3},
			101, new int[] {3, 4, 23, 3});
	private static final Set<Integer> BOTTLENECK = Set.of(26, 50, 101);

	private Architectures() {}

	public static List<String> examples() {
		return List.of("resnet10", "resnet18", "resnet26", "resnet34", "resnet50", "resnet101", "resnet10-w32", "resnet18-w32",
				"vit_small_patch16_224", "vit_tiny_patch16_224", "vit_small_patch8_64", "vit_tiny_patch8_64", "convnext_tiny",
				"convnext_femto", "convnext-d1.1.3.1-w24");
	}

	/** Reference pairs for weight selection and their small-image (CPU) forms, teacher first. */
	public static final List<List<String>> REFERENCE_PAIRS = List.of(List.of("resnet18", "resnet10-w32"),
			List.of("vit_small_patch16_224", "vit_tiny_patch16_224"), List.of("vit_small_patch8_64", "vit_tiny_patch8_64"),
			List.of("convnext_tiny", "convnext_femto"));

	private static final Pattern VIT = Pattern.compile("vit_(tiny|small|base)_patch(\\d+)_(\\d+)");
	private static final Pattern VIT_CUSTOM = Pattern.compile("vit-e(\\d+)-d(\\d+)-h(\\d+)-p(\\d+)-i(\\d+)");
	private static final Map<String, int[]> VIT_SIZES = Map.of("tiny", new int[] {192, 3}, "small", new int[] {384, 6}, "base",
			new int[] {768, 12});
	private static final Pattern CONVNEXT_CUSTOM = Pattern.compile("convnext-d(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)-w(\\d+)");
	private static final Map<String, int[][]> CONVNEXT = Map.of(
			"convnext_atto", new int[][] {{2, 2, 6, 2}, {40, 80, 160, 320}},
			"convnext_femto", new int[][] {{2, 2, 6, 2}, {48, 96, 192, 384}},
			"convnext_pico", new int[][] {{2, 2, 6, 2}, {64, 128, 256, 512}},
			"convnext_nano", new int[][] {{2, 2, 8, 2}, {80, 160, 320, 640}},
			"convnext_tiny", new int[][] {{3, 3, 9, 3}, {96, 192, 384, 768}},
			"convnext_small", new int[][] {{3, 3, 27, 3}, {96, 192, 384, 768}},
			"convnext_base", new int[][] {{3, 3, 27, 3}, {128, 256, 512, 1024}});

	/** @throws IllegalArgumentException naming the unknown architecture and the known ones */
	public static ModelSpec parse(String name, int inChannels, int numClasses) {
		String n = name.trim().toLowerCase(java.util.Locale.ROOT);
		Matcher m = RESNET.matcher(n);
		if (m.matches()) {
			int depth = Integer.parseInt(m.group(1));
			int[] depths = RESNET_DEPTHS.get(depth);
			if (depths != null) {
				int base = m.group(2) == null ? 64 : Integer.parseInt(m.group(2));
				if (base < 1 || base > 4096) throw new IllegalArgumentException("unreasonable base width in " + name);
				int[] widths = {base, 2 * base, 4 * base, 8 * base};
				return new ResNetSpec(m.group(0), BOTTLENECK.contains(depth), depths, widths, base, inChannels, numClasses);
			}
		}
		m = VIT.matcher(n);
		if (m.matches()) {
			int[] size = VIT_SIZES.get(m.group(1));
			return new ViTSpec(n, size[0], 12, size[1], 4 * size[0], Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), inChannels,
					numClasses);
		}
		m = VIT_CUSTOM.matcher(n);
		if (m.matches()) {
			int d = Integer.parseInt(m.group(1));
			return new ViTSpec(n, d, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), 4 * d, Integer.parseInt(m.group(4)),
					Integer.parseInt(m.group(5)), inChannels, numClasses);
		}
		int[][] cx = CONVNEXT.get(n);
		if (cx != null) return new ConvNeXtSpec(n, cx[0], cx[1], inChannels, numClasses);
		m = CONVNEXT_CUSTOM.matcher(n);
		if (m.matches()) {
			int w = Integer.parseInt(m.group(5));
			int[] depths = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))};
			return new ConvNeXtSpec(n, depths, new int[] {w, 2 * w, 4 * w, 8 * w}, inChannels, numClasses);
		}
		throw new IllegalArgumentException("unknown architecture '" + name + "'; known: resnet10|18|26|34|50|101 with an optional -wN base width, "
				+ "vit_tiny|small|base_patchP_SIZE, vit-eDIM-dDEPTH-hHEADS-pPATCH-iSIZE, convnext_atto|femto|pico|nano|tiny|small|base, "
				+ "convnext-dA.B.C.D-wWIDTH (e.g. " + String.join(", ", examples()) + ")");
	}

	public static ModelSpec fromJson(JsonObject o) {
		String family = o.get("family").getAsString();
		if (ResNetSpec.FAMILY.equals(family)) return ResNetSpec.fromJson(o);
		if (ViTSpec.FAMILY.equals(family)) return ViTSpec.fromJson(o);
		if (ConvNeXtSpec.FAMILY.equals(family)) return ConvNeXtSpec.fromJson(o);
		throw new IllegalArgumentException("unknown architecture family '" + family + "'");
	}

	/**
	 * Works out the ResNet a checkpoint holds from its tensor names and shapes (timm / torchvision
	 * names), so that users can import a teacher without naming its architecture.
	 */
	public static ModelSpec inferFromTensors(Map<String, HostTensor> tensors, String fileName) {
		if (tensors.containsKey("cls_token")) return inferViT(tensors, fileName);
		if (tensors.containsKey("stem.0.weight")) return inferConvNeXt(tensors, fileName);
		HostTensor stem = tensors.get("conv1.weight");
		if (stem == null || stem.rank() != 4) {
			throw new IllegalArgumentException(fileName + ": neither a ResNet ('conv1.weight'), a ViT ('cls_token') nor a ConvNeXt ('stem.0.weight') "
					+ "with timm/torchvision names");
		}
		boolean bottleneck = tensors.containsKey("layer1.0.conv3.weight");
		int[] depths = new int[4];
		int[] widths = new int[4];
		for (int s = 0; s < 4; s++) {
			Set<Integer> blocks = new TreeSet<>();
			Pattern p = Pattern.compile("layer" + (s + 1) + "\\.(\\d+)\\..*");
			for (String k : tensors.keySet()) {
				Matcher m = p.matcher(k);
				if (m.matches()) blocks.add(Integer.parseInt(m.group(1)));
			}
			depths[s] = blocks.size();
			HostTensor c1 = tensors.get("layer" + (s + 1) + ".0.conv1.weight");
			if (depths[s] == 0 || c1 == null) {
				throw new IllegalArgumentException(fileName + ": stage layer" + (s + 1) + " is missing; not a four-stage ResNet");
			}
			widths[s] = (int) c1.dim(0);
		}
		int classes = tensors.containsKey("fc.weight") ? (int) tensors.get("fc.weight").dim(0) : 1;
		int depthName = 2 + (bottleneck ? 3 : 2) * (depths[0] + depths[1] + depths[2] + depths[3]);
		String name = "resnet" + depthName + (widths[0] == 64 ? "" : "-w" + widths[0]);
		return new ResNetSpec(name, bottleneck, depths, widths, (int) stem.dim(0), (int) stem.dim(1), classes);
	}

	/**
	 * A ViT from its tensors. Checkpoints do not store the number of heads: it is the width over 64,
	 * as in every timm and torchvision ViT (tiny 3, small 6, base 12); name the architecture
	 * ({@code --teacher-arch}) for anything else.
	 */
	private static ModelSpec inferViT(Map<String, HostTensor> t, String fileName) {
		HostTensor cls = t.get("cls_token");
		HostTensor proj = t.get("patch_embed.proj.weight");
		HostTensor pos = t.get("pos_embed");
		HostTensor fc1 = t.get("blocks.0.mlp.fc1.weight");
		if (cls.rank() != 3 || proj == null || proj.rank() != 4 || pos == null || pos.rank() != 3 || fc1 == null) {
			throw new IllegalArgumentException(fileName + ": a ViT needs cls_token [1,1,D], pos_embed [1,T,D], patch_embed.proj.weight and blocks.0.mlp.fc1.weight");
		}
		int d = (int) cls.dim(2);
		int depth = countIndices(t.keySet(), Pattern.compile("blocks\\.(\\d+)\\..*"));
		int patch = (int) proj.dim(2);
		int grid = (int) Math.round(Math.sqrt(pos.dim(1) - 1));
		if (grid * grid != pos.dim(1) - 1) throw new IllegalArgumentException(fileName + ": pos_embed has " + pos.dim(1) + " tokens, not 1 + a square grid");
		int heads = Math.max(1, d / 64);
		int classes = t.containsKey("head.weight") ? (int) t.get("head.weight").dim(0) : 1;
		int size = grid * patch;
		String preset = null;
		for (Map.Entry<String, int[]> e : VIT_SIZES.entrySet()) {
			if (e.getValue()[0] == d && depth == 12 && fc1.dim(0) == 4L * d) preset = "vit_" + e.getKey() + "_patch" + patch + "_" + size;
		}
		String name = preset != null ? preset : "vit-e" + d + "-d" + depth + "-h" + heads + "-p" + patch + "-i" + size;
		return new ViTSpec(name, d, depth, heads, (int) fc1.dim(0), patch, size, (int) proj.dim(1), classes);
	}

	private static ModelSpec inferConvNeXt(Map<String, HostTensor> t, String fileName) {
		HostTensor stem = t.get("stem.0.weight");
		if (stem.rank() != 4) throw new IllegalArgumentException(fileName + ": stem.0.weight must be a 4x4 convolution");
		int[] depths = new int[4];
		int[] dims = new int[4];
		for (int i = 0; i < 4; i++) {
			depths[i] = countIndices(t.keySet(), Pattern.compile("stages\\." + i + "\\.blocks\\.(\\d+)\\..*"));
			HostTensor dw = t.get("stages." + i + ".blocks.0.conv_dw.weight");
			if (depths[i] == 0 || dw == null) throw new IllegalArgumentException(fileName + ": stage stages." + i + " is missing; not a four-stage ConvNeXt");
			dims[i] = (int) dw.dim(0);
		}
		int classes = t.containsKey("head.fc.weight") ? (int) t.get("head.fc.weight").dim(0) : 1;
		String name = null;
		for (Map.Entry<String, int[][]> e : CONVNEXT.entrySet()) {
			if (java.util.Arrays.equals(e.getValue()[0], depths) && java.util.Arrays.equals(e.getValue()[1], dims)) name = e.getKey();
		}
		if (name == null) {
			name = dims[1] == 2 * dims[0] && dims[2] == 4 * dims[0] && dims[3] == 8 * dims[0]
					? "convnext-d" + depths[0] + "." + depths[1] + "." + depths[2] + "." + depths[3] + "-w" + dims[0]
					: "convnext-custom";
		}
		return new ConvNeXtSpec(name, depths, dims, (int) stem.dim(1), classes);
	}

	private static int countIndices(Set<String> names, Pattern p) {
		Set<Integer> seen = new TreeSet<>();
		for (String k : names) {
			Matcher m = p.matcher(k);
			if (m.matches()) seen.add(Integer.parseInt(m.group(1)));
		}
		return seen.size();
	}
}
