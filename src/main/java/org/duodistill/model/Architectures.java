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
		return List.of("resnet10", "resnet18", "resnet26", "resnet34", "resnet50", "resnet101", "resnet10-w32", "resnet18-w32");
	}

	/** @throws IllegalArgumentException naming the unknown architecture and the known ones */
	public static ModelSpec parse(String name, int inChannels, int numClasses) {
		Matcher m = RESNET.matcher(name.trim().toLowerCase(java.util.Locale.ROOT));
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
		throw new IllegalArgumentException("unknown architecture '" + name + "'; known: resnet10|18|26|34|50|101 with an optional -wN base width (e.g. "
				+ String.join(", ", examples()) + ")");
	}

	public static ModelSpec fromJson(JsonObject o) {
		String family = o.get("family").getAsString();
		if (ResNetSpec.FAMILY.equals(family)) return ResNetSpec.fromJson(o);
		throw new IllegalArgumentException("unknown architecture family '" + family + "'");
	}

	/**
	 * Works out the ResNet a checkpoint holds from its tensor names and shapes (timm / torchvision
	 * names), so that users can import a teacher without naming its architecture.
	 */
	public static ModelSpec inferFromTensors(Map<String, HostTensor> tensors, String fileName) {
		HostTensor stem = tensors.get("conv1.weight");
		if (stem == null || stem.rank() != 4) {
			throw new IllegalArgumentException(fileName + ": no 'conv1.weight' of rank 4; not a ResNet checkpoint with timm/torchvision names");
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
}
