package org.duodistill.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * torchvision's ViT names ({@code vit_b_16} etc.) mapped to timm's, which DuoDistill uses: the two
 * compute the same function (pre-norm blocks, LayerNorm eps 1e-6, fused q/k/v projection in the
 * same order, exact GELU, class-token pooling), only the names differ. torchvision's ResNets already
 * use timm's names; other checkpoints pass unchanged.
 */
final class TorchvisionNames {
	private static final Pattern LAYER = Pattern.compile("encoder\\.layers\\.encoder_layer_(\\d+)\\.(.+)");
	private static final Map<String, String> IN_LAYER = Map.ofEntries(
			Map.entry("ln_1.weight", "norm1.weight"), Map.entry("ln_1.bias", "norm1.bias"),
			Map.entry("self_attention.in_proj_weight", "attn.qkv.weight"), Map.entry("self_attention.in_proj_bias", "attn.qkv.bias"),
			Map.entry("self_attention.out_proj.weight", "attn.proj.weight"), Map.entry("self_attention.out_proj.bias", "attn.proj.bias"),
			Map.entry("ln_2.weight", "norm2.weight"), Map.entry("ln_2.bias", "norm2.bias"),
			Map.entry("mlp.0.weight", "mlp.fc1.weight"), Map.entry("mlp.0.bias", "mlp.fc1.bias"),
			Map.entry("mlp.3.weight", "mlp.fc2.weight"), Map.entry("mlp.3.bias", "mlp.fc2.bias"),
			Map.entry("mlp.linear_1.weight", "mlp.fc1.weight"), Map.entry("mlp.linear_1.bias", "mlp.fc1.bias"),
			Map.entry("mlp.linear_2.weight", "mlp.fc2.weight"), Map.entry("mlp.linear_2.bias", "mlp.fc2.bias"));
	private static final Map<String, String> TOP = Map.of("class_token", "cls_token", "conv_proj.weight", "patch_embed.proj.weight",
			"conv_proj.bias", "patch_embed.proj.bias", "encoder.pos_embedding", "pos_embed", "encoder.ln.weight", "norm.weight",
			"encoder.ln.bias", "norm.bias", "heads.head.weight", "head.weight", "heads.head.bias", "head.bias");

	private TorchvisionNames() {}

	/** timm names for a torchvision ViT state dict; any other checkpoint is returned as it is. */
	static LinkedHashMap<String, HostTensor> toTimm(LinkedHashMap<String, HostTensor> tensors) {
		if (!tensors.containsKey("class_token") || !tensors.containsKey("conv_proj.weight")) return tensors;
		LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
		for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
			String k = e.getKey();
			String mapped = TOP.get(k);
			Matcher m = LAYER.matcher(k);
			if (mapped == null && m.matches() && IN_LAYER.containsKey(m.group(2))) mapped = "blocks." + m.group(1) + "." + IN_LAYER.get(m.group(2));
			// anything unmapped keeps its name, so the shape check lists it as unexpected
			out.put(mapped == null ? k : mapped, e.getValue());
		}
		return out;
	}
}
