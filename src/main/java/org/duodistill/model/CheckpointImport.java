package org.duodistill.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Imports a pretrained teacher from {@code .safetensors} or {@code .npz} with timm / torchvision
 * names, the form in which users actually get ImageNet weights.
 */
public final class CheckpointImport {
	private CheckpointImport() {}

	/** @param storedChannels the stem's input channels in the file (3 when an RGB stem was summed to grey) */
	public record Imported(ModelSpec spec, LinkedHashMap<String, HostTensor> weights, int storedChannels) {
		public Imported(ModelSpec spec, LinkedHashMap<String, HostTensor> weights) {
			this(spec, weights, spec.inChannels());
		}
	}

	/** The stem convolutions of the families, by timm / torchvision name. */
	private static final java.util.List<String> STEMS = java.util.List.of("conv1.weight", "patch_embed.proj.weight", "stem.0.weight");

	/**
	 * @param architecture the expected architecture, or null to infer it from the tensors
	 * @throws TensorFileException when the file is unreadable or its tensors do not fit (all listed)
	 */
	public static Imported load(Path file, String architecture) throws IOException {
		return load(file, architecture, 0);
	}

	/**
	 * @param inChannels 0 keeps the checkpoint's input channels; 1 turns a 3-channel stem into a
	 *        grayscale one by summing its input-channel axis, as timm does for {@code in_chans=1}
	 */
	public static Imported load(Path file, String architecture, int inChannels) throws IOException {
		if (!Files.isRegularFile(file)) throw new TensorFileException(file, "teacher checkpoint not found");
		Map<String, String> metadata = Map.of();
		Map<String, HostTensor> raw;
		if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
			SafeTensors.Contents c = SafeTensors.readWithMetadata(file);
			raw = c.tensors();
			metadata = c.metadata();
		} else {
			raw = readTensors(file);
		}
		LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
		for (Map.Entry<String, HostTensor> e : raw.entrySet()) {
			String k = e.getKey().startsWith("module.") ? e.getKey().substring(7) : e.getKey();
			if (k.endsWith("num_batches_tracked")) continue;
			tensors.put(k, e.getValue());
		}
		tensors = TorchvisionNames.toTimm(tensors);
		tensors = linearMlp(tensors);
		int stored = storedChannels(tensors);
		if (inChannels == 1) tensors = grayscaleStem(file, tensors);
		else if (inChannels != 0 && inChannels != 3) throw new IllegalArgumentException("input channels must be 1 or 3, got " + inChannels);
		ModelSpec spec;
		try {
			// DuoDistill's own export says exactly what it holds (a ViT's heads are not in its tensors)
			String own = metadata.get("duodistill_architecture");
			spec = own != null && inChannels == 0 ? Architectures.fromJson(com.google.gson.JsonParser.parseString(own).getAsJsonObject())
					: Architectures.inferFromTensors(tensors, file.getFileName().toString());
		} catch (IllegalArgumentException e) {
			throw new TensorFileException(file, e.getMessage().substring(e.getMessage().indexOf(':') + 1).trim());
		}
		if (architecture != null && !architecture.isBlank() && !architecture.equals("auto")) {
			// the checkpoint's own input size (ViT position grid) wins over the name's; Pipeline resamples later
			ModelSpec wanted = Architectures.parse(architecture, spec.inChannels(), spec.numClasses()).withImageSize(spec.imageSize());
			TensorCheck.verify(file, wanted, tensors, true);
			spec = wanted;
		} else {
			TensorCheck.verify(file, spec, tensors, true);
		}
		return new Imported(spec, tensors, stored == 0 ? spec.inChannels() : stored);
	}

	private static int storedChannels(Map<String, HostTensor> tensors) {
		String stem = stemName(tensors);
		return stem == null ? 0 : (int) tensors.get(stem).dim(1);
	}

	/** The stem's tensor name; null when the tensors have none of the families' stems. */
	static String stemName(Map<String, HostTensor> tensors) {
		for (String s : STEMS) {
			HostTensor t = tensors.get(s);
			if (t != null && t.rank() == 4) return s;
		}
		return null;
	}

	/**
	 * timm's small ConvNeXts (atto..nano) compute the block MLP with 1x1 convolutions
	 * ({@code conv_mlp=True}); the same weights as a linear layer, so they are reshaped to [out, in].
	 */
	static LinkedHashMap<String, HostTensor> linearMlp(LinkedHashMap<String, HostTensor> tensors) {
		if (!tensors.containsKey("stem.0.weight")) return tensors;
		LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
		for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
			HostTensor t = e.getValue();
			boolean mlp = e.getKey().endsWith("mlp.fc1.weight") || e.getKey().endsWith("mlp.fc2.weight");
			out.put(e.getKey(), mlp && t.rank() == 4 && t.dim(2) == 1 && t.dim(3) == 1 ? new HostTensor(new long[] {t.dim(0), t.dim(1)}, t.data()) : t);
		}
		return out;
	}

	/**
	 * The stem (conv1, patch_embed.proj or stem.0, found by name: a ConvNeXt's depthwise kernels are
	 * 4-D too and sort before its stem) summed over its 3 input channels.
	 */
	static LinkedHashMap<String, HostTensor> grayscaleStem(Path file, LinkedHashMap<String, HostTensor> tensors) throws TensorFileException {
		LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>(tensors);
		String stem = stemName(tensors);
		if (stem == null) return out; // the architecture check that follows names what is missing
		HostTensor t = tensors.get(stem);
		if (t.dim(1) == 1) return out;
		if (t.dim(1) != 3) throw new TensorFileException(file, stem + " takes " + t.dim(1) + " input channels; only a 3-channel stem can be made grayscale");
		long o = t.dim(0);
		long k = t.dim(2) * t.dim(3);
		HostTensor g = HostTensor.zeros(new long[] {o, 1, t.dim(2), t.dim(3)});
		for (long i = 0; i < o; i++) {
			for (int c = 0; c < 3; c++) {
				for (long j = 0; j < k; j++) g.data()[(int) (i * k + j)] += t.data()[(int) ((i * 3 + c) * k + j)];
			}
		}
		out.put(stem, g);
		return out;
	}

	public static Map<String, HostTensor> readTensors(Path file) throws IOException {
		String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (n.endsWith(".safetensors")) return SafeTensors.read(file);
		if (n.endsWith(".npz")) return NpzReader.read(file);
		throw new TensorFileException(file, "unsupported checkpoint format; use .safetensors or .npz with timm/torchvision names"
				+ " (convert a PyTorch .pth with safetensors.torch.save_file(model.state_dict(), 'teacher.safetensors'))");
	}
}
