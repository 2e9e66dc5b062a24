package org.duodistill.model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.duodistill.data.Preprocessing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The model folder: {@code model.json} (format version, architecture, classes, preprocessing,
 * provenance) and {@code weights.safetensors} (timm names, loadable from Python), plus report files.
 * Written into a hidden temporary folder beside the target and renamed into place, so a crash
 * never leaves a half-written model, and an existing folder is replaced only when asked.
 */
public final class ModelFolder {
	public static final int FORMAT_VERSION = 1;
	public static final String MODEL_JSON = "model.json";
	public static final String WEIGHTS = "weights.safetensors";

	private ModelFolder() {}

	/**
	 * @param extraFiles report files (name to text) written alongside, e.g. history.csv
	 * @param overwrite replace an existing non-empty folder
	 */
	public static void write(Path dir, SavedModel model, Map<String, String> extraFiles, boolean overwrite) throws IOException {
		Path target = dir.toAbsolutePath().normalize();
		checkWritable(target, overwrite);
		Path parent = target.getParent();
		Files.createDirectories(parent);
		Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
		try {
			Map<String, String> meta = Map.of("format", "pt", "duodistill_format_version", Integer.toString(FORMAT_VERSION));
			java.security.MessageDigest digest = sha256Digest();
			try (OutputStream out = new java.security.DigestOutputStream(Files.newOutputStream(tmp.resolve(WEIGHTS)), digest)) {
				SafeTensors.write(out, model.weights(), batchNormCounters(model.weights().keySet()), meta);
			}
			// model.json records the weights' checksum, so a damaged or swapped weights file is refused on reading
			JsonObject json = toJson(model);
			json.addProperty("weights_sha256", java.util.HexFormat.of().formatHex(digest.digest()));
			Files.writeString(tmp.resolve(MODEL_JSON), new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
					.create().toJson(json), StandardCharsets.UTF_8);
			if (extraFiles != null) {
				for (Map.Entry<String, String> e : extraFiles.entrySet()) {
					Files.writeString(tmp.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
				}
			}
			moveIntoPlace(tmp, target);
		} finally {
			deleteTree(tmp);
		}
	}

	/** Fails early (before any training) when the target exists, is not empty and may not be replaced. */
	public static void checkWritable(Path target, boolean overwrite) throws IOException {
		if (Files.exists(target) && !Files.isDirectory(target)) {
			throw new FileAlreadyExistsException(target + " exists and is a file, not a model folder");
		}
		if (!overwrite && Files.isDirectory(target) && !isEmpty(target)) {
			throw new FileAlreadyExistsException(target + " exists and is not empty; choose another output folder or pass --overwrite");
		}
	}

	private static void moveIntoPlace(Path tmp, Path target) throws IOException {
		Path backup = null;
		if (Files.exists(target)) {
			backup = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
			Files.delete(backup);
			atomicMove(target, backup);
		}
		try {
			atomicMove(tmp, target);
		} catch (IOException e) {
			if (backup != null) atomicMove(backup, target);
			throw e;
		}
		if (backup != null) deleteTree(backup);
	}

	private static void atomicMove(Path from, Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
		} catch (AtomicMoveNotSupportedException e) {
			Files.move(from, to);
		}
	}

	private static boolean isEmpty(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.findAny().isEmpty();
		}
	}

	/** Deletes a file or folder with everything in it; nothing when it does not exist. */
	public static void deleteTree(Path p) throws IOException {
		if (p == null || !Files.exists(p)) return;
		try (Stream<Path> s = Files.walk(p)) {
			for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
		}
	}

	static JsonObject toJson(SavedModel m) {
		JsonObject o = new JsonObject();
		o.addProperty("format_version", FORMAT_VERSION);
		o.addProperty("software", "DuoDistill");
		o.add("architecture", m.spec().toJson());
		JsonArray classes = new JsonArray();
		m.classes().forEach(classes::add);
		o.add("classes", classes);
		o.add("preprocessing", m.preprocessing().toJson());
		o.addProperty("parameters", m.spec().parameterCount());
		o.addProperty("flops", m.spec().flops(m.preprocessing().size()));
		if (m.provenance() != null) {
			for (var e : m.provenance().entrySet()) o.add(e.getKey(), e.getValue());
		}
		return o;
	}

	/**
	 * Fields the reader needs, checked against what this version writes for the same family: a
	 * prototype architecture of that family and a default preprocessing.
	 */
	static String requiredFieldProblem(JsonObject o) {
		if (!o.has("architecture") || !o.get("architecture").isJsonObject()) return "missing field 'architecture'";
		if (!o.has("classes") || !o.get("classes").isJsonArray()) return "missing field 'classes' (the class names in output order)";
		if (!o.has("preprocessing") || !o.get("preprocessing").isJsonObject()) return "missing field 'preprocessing'";
		JsonObject arch = o.getAsJsonObject("architecture");
		if (!arch.has("family")) return "missing field 'architecture.family'";
		String family = arch.get("family").getAsString();
		ModelSpec prototype = switch (family) {
			case ResNetSpec.FAMILY -> Architectures.parse("resnet10", 1, 2);
			case ViTSpec.FAMILY -> Architectures.parse("vit-e64-d1-h1-p4-i16", 1, 2);
			case ConvNeXtSpec.FAMILY -> Architectures.parse("convnext_atto", 1, 2);
			default -> null;
		};
		if (prototype == null) return "unknown architecture family '" + family + "'";
		String p = JsonFields.problem(arch, prototype.toJson(), "architecture");
		if (p != null) return p;
		Preprocessing defaults = new Preprocessing(64, 1, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH, new float[] {0f}, new float[] {1f});
		return JsonFields.problem(o.getAsJsonObject("preprocessing"), defaults.toJson(), "preprocessing");
	}

	/** Reads and validates a model folder; every problem is an error naming the folder. */
	/** The folder exists and holds a model.json: what can be said before reading anything. */
	public static void checkIsModelFolder(Path dir) throws TensorFileException {
		if (!Files.isDirectory(dir)) throw new TensorFileException(dir, "model folder not found");
		if (!Files.isRegularFile(dir.resolve(MODEL_JSON))) throw new TensorFileException(dir, "not a DuoDistill model folder (no " + MODEL_JSON + ")");
	}

	public static SavedModel read(Path dir) throws IOException {
		Path json = dir.resolve(MODEL_JSON);
		Path weightsFile = dir.resolve(WEIGHTS);
		checkIsModelFolder(dir);
		JsonObject o;
		try {
			o = JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonObject();
		} catch (RuntimeException e) {
			throw new TensorFileException(json, "not valid JSON (" + e.getMessage() + ")", e);
		}
		if (!o.has("format_version")) throw new TensorFileException(json, "no format_version; not a DuoDistill model");
		int version = o.get("format_version").getAsInt();
		if (version > FORMAT_VERSION) {
			throw new TensorFileException(json, "written in model format " + version + " by a newer DuoDistill; this version reads up to "
					+ FORMAT_VERSION + ". Update DuoDistill.");
		}
		String missing = requiredFieldProblem(o);
		if (missing != null) throw new TensorFileException(json, missing);
		ModelSpec spec;
		List<String> classes = new ArrayList<>();
		Preprocessing prep;
		try {
			spec = Architectures.fromJson(o.getAsJsonObject("architecture"));
			o.getAsJsonArray("classes").forEach(c -> classes.add(c.getAsString()));
			prep = Preprocessing.fromJson(o.getAsJsonObject("preprocessing"));
		} catch (RuntimeException e) {
			throw new TensorFileException(json, "invalid architecture, classes or preprocessing (" + e.getMessage() + ")", e);
		}
		if (classes.size() != spec.numClasses()) {
			throw new TensorFileException(json, classes.size() + " class names but the architecture has " + spec.numClasses() + " outputs");
		}
		if (prep.channels() != spec.inChannels()) {
			throw new TensorFileException(json, "preprocessing gives " + prep.channels() + " channels but the network takes " + spec.inChannels());
		}
		if (spec.imageSize() > 0 && prep.size() != spec.imageSize()) {
			throw new TensorFileException(json, "preprocessing resizes to " + prep.size() + " px but the network takes " + spec.imageSize() + " px");
		}
		if (!Files.isRegularFile(weightsFile)) throw new TensorFileException(dir, "no " + WEIGHTS);
		LinkedHashMap<String, HostTensor> weights = new LinkedHashMap<>();
		for (Map.Entry<String, HostTensor> e : SafeTensors.read(weightsFile).entrySet()) {
			if (!e.getKey().endsWith("num_batches_tracked")) weights.put(e.getKey(), e.getValue());
		}
		TensorCheck.verify(weightsFile, spec, weights, false);
		if (o.has("weights_sha256") && !o.get("weights_sha256").getAsString().equals(sha256(weightsFile))) {
			throw new TensorFileException(weightsFile, "does not match the checksum recorded in model.json (weights_sha256): the file was"
					+ " damaged or replaced after training");
		}
		LinkedHashMap<String, HostTensor> ordered = new LinkedHashMap<>();
		for (String k : spec.tensorShapes().keySet()) ordered.put(k, weights.get(k));
		JsonObject provenance = new JsonObject();
		for (var e : o.entrySet()) {
			if (!List.of("format_version", "architecture", "classes", "preprocessing", "weights_sha256").contains(e.getKey())) {
				provenance.add(e.getKey(), e.getValue());
			}
		}
		return new SavedModel(spec, ordered, classes, prep, provenance);
	}

	/** The SHA-256 of a file's bytes, in hex. */
	public static String sha256(Path file) throws IOException {
		java.security.MessageDigest md = sha256Digest();
		try (java.io.InputStream in = new java.security.DigestInputStream(Files.newInputStream(file), md)) {
			in.transferTo(OutputStream.nullOutputStream());
		}
		return java.util.HexFormat.of().formatHex(md.digest());
	}

	private static java.security.MessageDigest sha256Digest() {
		try {
			return java.security.MessageDigest.getInstance("SHA-256");
		} catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException("SHA-256 is part of every Java", e);
		}
	}

	/**
	 * PyTorch's BatchNorm {@code num_batches_tracked} counters (0) for every BatchNorm among these
	 * tensor names, which a strict {@code load_state_dict} expects beside the statistics.
	 */
	static Map<String, Long> batchNormCounters(java.util.Collection<String> names) {
		Map<String, Long> counters = new LinkedHashMap<>();
		for (String name : names) {
			if (name.endsWith(".running_mean")) counters.put(name.substring(0, name.length() - ".running_mean".length()) + ".num_batches_tracked", 0L);
		}
		return counters;
	}

	/** {@code .NAME<suffix>} beside {@code path}: where a run keeps what belongs to an output but is not part of it. */
	public static Path hiddenSibling(Path path, String suffix) {
		Path abs = path.toAbsolutePath().normalize();
		return abs.resolveSibling("." + abs.getFileName() + suffix);
	}
}
