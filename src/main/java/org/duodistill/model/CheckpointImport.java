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

	public record Imported(ModelSpec spec, LinkedHashMap<String, HostTensor> weights) {}

	/**
	 * @param architecture the expected architecture, or null to infer it from the tensors
	 * @throws TensorFileException when the file is unreadable or its tensors do not fit (all listed)
	 */
	public static Imported load(Path file, String architecture) throws IOException {
		if (!Files.isRegularFile(file)) throw new TensorFileException(file, "teacher checkpoint not found");
		Map<String, HostTensor> raw = readTensors(file);
		LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
		for (Map.Entry<String, HostTensor> e : raw.entrySet()) {
			String k = e.getKey().startsWith("module.") ? e.getKey().substring(7) : e.getKey();
			if (k.endsWith("num_batches_tracked")) continue;
			tensors.put(k, e.getValue());
		}
		ModelSpec spec;
		try {
			spec = Architectures.inferFromTensors(tensors, file.getFileName().toString());
		} catch (IllegalArgumentException e) {
			throw new TensorFileException(file, e.getMessage().substring(e.getMessage().indexOf(':') + 1).trim());
		}
		if (architecture != null && !architecture.isBlank() && !architecture.equals("auto")) {
			ModelSpec wanted = Architectures.parse(architecture, spec.inChannels(), spec.numClasses());
			TensorCheck.verify(file, wanted, tensors, true);
			spec = wanted;
		} else {
			TensorCheck.verify(file, spec, tensors, true);
		}
		return new Imported(spec, tensors);
	}

	public static Map<String, HostTensor> readTensors(Path file) throws IOException {
		String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (n.endsWith(".safetensors")) return SafeTensors.read(file);
		if (n.endsWith(".npz")) return NpzReader.read(file);
		throw new TensorFileException(file, "unsupported checkpoint format; use .safetensors or .npz with timm/torchvision names"
				+ " (convert a PyTorch .pth with safetensors.torch.save_file(model.state_dict(), 'teacher.safetensors'))");
	}
}
