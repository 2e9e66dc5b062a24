package org.duodistill.model;

import com.google.gson.Gson;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A trained model as one timm-named {@code .safetensors} file that PyTorch loads with
 * {@code load_state_dict(strict=True)}: every tensor under timm's (torchvision's, for ResNets) name,
 * BatchNorm's {@code num_batches_tracked} included, plus metadata: the class names, the
 * preprocessing, DuoDistill's architecture, the keyword arguments for the plain-PyTorch reference
 * modules in {@code scripts/} and, where one exists, the {@code timm.create_model} call that builds
 * the same network (docs/export.md). Written to a temporary file, then renamed.
 */
public final class ModelExport {
	private ModelExport() {}

	public static void write(SavedModel model, Path file, boolean overwrite) throws IOException {
		Path target = file.toAbsolutePath().normalize();
		if (!target.getFileName().toString().endsWith(".safetensors")) {
			throw new IllegalArgumentException(file + ": the export is a .safetensors file");
		}
		if (Files.exists(target) && !overwrite) throw new FileAlreadyExistsException(target + " exists; choose another file or pass --overwrite");
		Files.createDirectories(target.getParent());
		Map<String, Long> counters = ModelFolder.batchNormCounters(model.weights().keySet());
		LinkedHashMap<String, HostTensor> ordered = new LinkedHashMap<>();
		for (String name : model.spec().tensorShapes().keySet()) {
			HostTensor t = model.weights().get(name);
			if (t == null) throw new IllegalArgumentException("the model has no tensor '" + name + "'");
			ordered.put(name, t);
		}
		AtomicFiles.write(target, out -> SafeTensors.write(out, ordered, counters, metadata(model)));
	}

	static Map<String, String> metadata(SavedModel m) {
		Gson gson = new Gson();
		Map<String, String> meta = new LinkedHashMap<>();
		meta.put("format", "pt");
		meta.put("classes", gson.toJson(m.classes()));
		meta.put("preprocessing", gson.toJson(m.preprocessing().toJson()));
		meta.put("duodistill_architecture", gson.toJson(m.spec().toJson()));
		meta.put("reference_config", gson.toJson(referenceConfig(m.spec())));
		String timm = timmCall(m.spec());
		if (timm != null) meta.put("timm", timm);
		return meta;
	}

	/** Keyword arguments of the reference modules in scripts/make_*_fixtures.py. */
	static JsonObject referenceConfig(ModelSpec spec) {
		JsonObject o = new JsonObject();
		if (spec instanceof ResNetSpec r) {
			o.addProperty("block", r.blockName());
			o.add("depths", new Gson().toJsonTree(r.depths()));
			o.addProperty("width", r.widths()[0]);
			o.addProperty("in_chans", r.inChannels());
			o.addProperty("num_classes", r.numClasses());
		} else if (spec instanceof ViTSpec v) {
			o.addProperty("embed_dim", v.embedDim());
			o.addProperty("depth", v.depth());
			o.addProperty("heads", v.heads());
			o.addProperty("mlp_hidden", v.mlpHidden());
			o.addProperty("patch_size", v.patch());
			o.addProperty("image_size", v.imageSize());
			o.addProperty("in_channels", v.inChannels());
			o.addProperty("num_classes", v.numClasses());
		} else if (spec instanceof ConvNeXtSpec c) {
			o.add("depths", new Gson().toJsonTree(c.depths()));
			o.add("dims", new Gson().toJsonTree(c.dims()));
			o.addProperty("in_channels", c.inChannels());
			o.addProperty("num_classes", c.numClasses());
		}
		return o;
	}

	/** The timm call that builds the same network, or null when timm has no such model (ResNets of other widths). */
	public static String timmCall(ModelSpec spec) {
		if (spec instanceof ResNetSpec r) {
			int blocks = r.depths()[0] + r.depths()[1] + r.depths()[2] + r.depths()[3];
			int depth = 2 + (r.bottleneck() ? 3 : 2) * blocks;
			boolean timmHasIt = r.widths()[0] == 64 && r.stemWidth() == 64 && java.util.Set.of(18, 26, 34, 50, 101).contains(depth)
					&& r.equals(Architectures.parse("resnet" + depth, r.inChannels(), r.numClasses()));
			return timmHasIt ? String.format(Locale.ROOT, "timm.create_model('resnet%d', num_classes=%d, in_chans=%d)", depth, r.numClasses(),
					r.inChannels()) : null;
		}
		if (spec instanceof ViTSpec v) {
			return String.format(Locale.ROOT,
					"timm.create_model('vit_tiny_patch16_224', img_size=%d, patch_size=%d, embed_dim=%d, depth=%d, num_heads=%d, mlp_ratio=%s, num_classes=%d, in_chans=%d)",
					v.imageSize(), v.patch(), v.embedDim(), v.depth(), v.heads(), ratio(v.mlpHidden(), v.embedDim()), v.numClasses(), v.inChannels());
		}
		if (spec instanceof ConvNeXtSpec c) {
			return String.format(Locale.ROOT, "timm.create_model('convnext_tiny', depths=%s, dims=%s, conv_mlp=False, num_classes=%d, in_chans=%d)",
					java.util.Arrays.toString(c.depths()).replace(" ", ""), java.util.Arrays.toString(c.dims()).replace(" ", ""), c.numClasses(),
					c.inChannels());
		}
		return null;
	}

	private static String ratio(int hidden, int dim) {
		double r = (double) hidden / dim;
		return r == Math.rint(r) ? Integer.toString((int) r) + ".0" : Double.toString(r);
	}
}
