package org.duodistill.train;

import com.google.gson.JsonObject;
import org.duodistill.data.Dataset;
import org.duodistill.data.Preprocessing;
import org.duodistill.hub.HubClient;
import org.duodistill.hub.HubSettings;
import org.duodistill.hub.HubSnapshot;
import org.duodistill.model.Architectures;
import org.duodistill.model.CheckpointImport;
import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.SavedModel;
import org.duodistill.model.TensorFileException;
import org.duodistill.model.TimmConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Gets a teacher that was pretrained elsewhere: a checkpoint file, a DuoDistill model folder, or a
 * timm repo on the Hugging Face Hub. The one place that decides its architecture, input channels
 * and normalisation; {@link Pipeline} asks it for every teacher that is not trained here.
 */
final class TeacherLoader {
	static final String HUB_CONFIG = "config.json";
	static final String HUB_WEIGHTS = "model.safetensors";

	private final Dataset dataset;
	private final TrainingOptions options;
	private final TrainingListener listener;
	private final IntFunction<Preprocessing> datasetPreprocessing;
	private final HubSettings hub;

	/** @param datasetPreprocessing the training images' own statistics for a given channel count and the current size */
	TeacherLoader(Dataset dataset, TrainingOptions options, TrainingListener listener, IntFunction<Preprocessing> datasetPreprocessing,
			HubSettings hub) {
		this.dataset = dataset;
		this.options = options;
		this.listener = listener;
		this.datasetPreprocessing = datasetPreprocessing;
		this.hub = hub;
	}

	Teacher load(TeacherSource source, String teacherArch, int size) throws IOException {
		return switch (source.kind()) {
			case FOLDER -> folder(source.path(), teacherArch, size);
			case FILE -> file(source.path(), teacherArch, size);
			case HUB -> hub(source, teacherArch, size);
			case AUTO -> throw new IllegalStateException("an auto teacher is trained by the pipeline");
		};
	}

	private Teacher folder(Path path, String teacherArch, int size) throws IOException {
		SavedModel m = ModelFolder.read(path);
		boolean same = m.classes().equals(dataset.classes());
		ModelSpec spec = m.spec().withImageSize(size);
		if (teacherArch != null && !teacherArch.equals(spec.name())) {
			throw new IllegalArgumentException("--teacher-arch " + teacherArch + " but the teacher folder holds " + spec.name());
		}
		JsonObject origin = new JsonObject();
		origin.addProperty("kind", "model-folder");
		return new Teacher(spec, spec.adaptWeights(m.spec(), m.weights()), path.toString(), Pipeline.fingerprint(path.resolve(ModelFolder.WEIGHTS)),
				same, new Preprocessing(size, spec.inChannels(), Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH, m.preprocessing().mean(),
						m.preprocessing().std()), List.of(), 0, null, origin);
	}

	private Teacher file(Path path, String teacherArch, int size) throws IOException {
		CheckpointImport.Imported imp = CheckpointImport.load(path, teacherArch, wantedChannels());
		JsonObject origin = new JsonObject();
		origin.addProperty("kind", "file");
		Teacher t = imported(imp, null, size, path.toString(), Pipeline.fingerprint(path), origin);
		listener.message("imported teacher " + t.spec().describe() + " from " + path + channelNote(imp));
		return t;
	}

	/**
	 * Fetches a Hub teacher's files before anything else is done, so a missing repo, a token or the
	 * network fail in seconds rather than after the dataset is read; a teacher in the cache asks nothing.
	 */
	static void prefetch(TeacherSource source, String teacherArch, HubSettings settings, TrainingListener listener) throws IOException {
		if (source.kind() != TeacherSource.Kind.HUB) return;
		fetchChecked(new HubClient(settings), source, teacherArch, listener.downloads());
	}

	/** A Hub teacher's files on disk and its parsed config.json. */
	private record HubTeacherFiles(HubSnapshot snapshot, TimmConfig config) {}

	/** config.json first: an architecture DuoDistill cannot build is refused before a large download. */
	private static HubTeacherFiles fetchChecked(HubClient client, TeacherSource source, String teacherArch,
			org.duodistill.hub.DownloadProgress progress) throws IOException {
		HubSnapshot config = client.fetch(source.hub(), List.of(HUB_CONFIG), progress);
		TimmConfig cfg = TimmConfig.read(config.files().get(HUB_CONFIG));
		String arch = cfg.architecture();
		try {
			Architectures.parse(arch, cfg.inputChannels(), Math.max(1, cfg.numClasses()));
		} catch (IllegalArgumentException e) {
			throw new IllegalArgumentException(source.hub().display() + " is timm's " + arch + ", an architecture DuoDistill does not build"
					+ " (it builds timm's resnet, vit and convnext families: " + String.join(", ", Architectures.examples()) + ")");
		}
		if (teacherArch != null && !teacherArch.isBlank() && !teacherArch.equals(arch)) {
			throw new IllegalArgumentException("--teacher-arch " + teacherArch + " but " + source.hub().display() + " holds " + arch
					+ " (its config.json says so; --teacher-arch is not needed for Hub teachers)");
		}
		return new HubTeacherFiles(client.fetch(source.hub(), List.of(HUB_CONFIG, HUB_WEIGHTS), progress), cfg);
	}

	private Teacher hub(TeacherSource source, String teacherArch, int size) throws IOException {
		HubTeacherFiles fetched = fetchChecked(new HubClient(hub), source, teacherArch, listener.downloads());
		HubSnapshot snap = fetched.snapshot();
		TimmConfig cfg = fetched.config();
		String arch = cfg.architecture();
		Path weights = snap.files().get(HUB_WEIGHTS);
		CheckpointImport.Imported imp;
		try {
			imp = CheckpointImport.load(weights, arch, wantedChannels());
		} catch (TensorFileException e) {
			throw new TensorFileException(Path.of(source.hub().display()), "its model.safetensors does not hold timm's " + arch + " ("
					+ e.getMessage() + ")");
		}
		JsonObject origin = new JsonObject();
		origin.addProperty("kind", "hf-hub");
		origin.addProperty("repo", source.hub().repo());
		origin.addProperty("revision", source.hub().revision());
		origin.addProperty("commit", snap.commit());
		origin.addProperty("sha256", snap.sha256().get(HUB_WEIGHTS));
		origin.addProperty("endpoint", hub.endpoint());
		origin.add("config", cfg.toJson());
		Teacher t = imported(imp, cfg, size, source.hub().display(), "sha256:" + snap.sha256().get(HUB_WEIGHTS), origin);
		listener.message("teacher " + cfg.fullName() + " (" + t.spec().describe() + ") from " + source.hub().display() + " at commit "
				+ abbreviated(snap.commit()) + (snap.fromCacheOnly() ? ", from the cache " : ", cached in ") + hub.cacheDir() + channelNote(imp)
				+ (cfg.inputSize() != size ? "; pretrained at " + cfg.inputSize() + " px, trained here at " + size + " px (--size)" : ""));
		return t;
	}

	/** 1 asks the import to sum an RGB stem for grey data (the default); 0 keeps the checkpoint's channels. */
	private int wantedChannels() {
		boolean grey = !dataset.hasColour();
		return grey && options.teacherChannels() == TrainingOptions.TeacherChannels.SUM ? 1 : 0;
	}

	/**
	 * Normalisation: the repo's own mean/std (ImageNet's for a file without a config) for an RGB
	 * teacher, their averages for one whose stem was summed to grey, the training images' own for a
	 * teacher that was grey to begin with and says nothing.
	 */
	private Teacher imported(CheckpointImport.Imported imp, TimmConfig cfg, int size, String source, String fingerprint, JsonObject origin) {
		// a ViT checkpoint made for another input size gets its position embeddings resampled (as timm does)
		ModelSpec spec = imp.spec().withImageSize(size);
		LinkedHashMap<String, HostTensor> weights = spec.adaptWeights(imp.spec(), imp.weights());
		int channels = spec.inChannels();
		boolean summed = imp.storedChannels() == 3 && channels == 1;
		Preprocessing prep;
		if (cfg != null && cfg.inputChannels() == imp.storedChannels()) {
			prep = new Preprocessing(size, channels, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH, cfg.meanFor(channels), cfg.stdFor(channels));
		} else if (imp.storedChannels() == 3) {
			TimmConfig imagenet = TimmConfig.imagenetDefaults();
			prep = new Preprocessing(size, channels, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH, imagenet.meanFor(channels),
					imagenet.stdFor(channels));
		} else {
			prep = datasetPreprocessing.apply(channels);
		}
		origin.addProperty("channels", summed ? "sum" : imp.storedChannels() == 3 && !dataset.hasColour() ? "replicate" : "as-stored");
		return new Teacher(spec, weights, source, fingerprint, false, prep, List.of(), 0, null, origin);
	}

	private String channelNote(CheckpointImport.Imported imp) {
		if (dataset.hasColour() || imp.storedChannels() != 3) return "";
		return imp.spec().inChannels() == 1 ? "; its RGB first convolution summed for grey images (--teacher-channels sum)"
				: "; grey images replicated to its 3 channels (--teacher-channels replicate)";
	}

	private static String abbreviated(String commit) {
		return commit == null || commit.length() < 12 ? String.valueOf(commit) : commit.substring(0, 12);
	}
}
