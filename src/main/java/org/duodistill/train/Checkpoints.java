package org.duodistill.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.duodistill.model.HostTensor;
import org.duodistill.model.SafeTensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a run keeps its checkpoints: one file per trainer (the teacher's, then the student's, in
 * the order the pipeline creates them), replaced after every {@code every} epochs by writing a
 * temporary file, forcing it to disk and renaming it, so that a killed process leaves either the
 * previous checkpoint or the new one, never a half-written one. A resumed run asks each trainer's
 * slot for its snapshot and continues from there.
 */
public final class Checkpoints {
	private static final NDIndex ALL = new NDIndex("...");
	/** Every trainer's checkpoint file name starts so; the run's arguments (run.json) do not. */
	private static final String PREFIX = "trainer-";

	private final Path dir;
	private final int every;
	private final boolean resume;
	private int next;

	/**
	 * @param every epochs between checkpoints (>= 1)
	 * @param resume continue from the snapshots found in {@code dir}
	 */
	public Checkpoints(Path dir, int every, boolean resume) {
		if (every < 1) throw new IllegalArgumentException("checkpoint interval must be >= 1 epoch, got " + every);
		this.dir = dir;
		this.every = every;
		this.resume = resume;
	}

	public Path directory() {
		return dir;
	}

	/** The next trainer's slot. */
	Slot slot(String name) {
		return new Slot(dir.resolve(PREFIX + next++ + "-" + name + ".safetensors"));
	}

	/** True when {@code dir} holds a trainer's checkpoint (not only the run's arguments). */
	static boolean any(Path dir) throws IOException {
		if (!Files.isDirectory(dir)) return false;
		try (var list = Files.list(dir)) {
			return list.anyMatch(Checkpoints::isCheckpoint);
		}
	}

	private static boolean isCheckpoint(Path p) {
		return p.getFileName().toString().startsWith(PREFIX);
	}

	/** One trainer's checkpoint file. */
	final class Slot {
		private final Path file;

		Slot(Path file) {
			this.file = file;
		}

		boolean due(int epochInStage, int stageEpochs) {
			return epochInStage % every == 0 || epochInStage == stageEpochs;
		}

		/** The snapshot to continue from, or null (a fresh run, or this trainer had not checkpointed yet). */
		Snapshot load() {
			if (!resume || !Files.isRegularFile(file)) return null;
			try {
				SafeTensors.Contents c = SafeTensors.readWithMetadata(file);
				return new Snapshot(JsonParser.parseString(c.metadata().get("state")).getAsJsonObject(), c.tensors());
			} catch (IOException | RuntimeException e) {
				throw new IllegalStateException(file + ": cannot resume from this checkpoint (" + e.getMessage() + ")", e);
			}
		}

		void save(JsonObject state, Map<String, NDArray> device, Map<String, HostTensor> host) {
			try {
				Files.createDirectories(dir);
				LinkedHashMap<String, HostTensor> all = new LinkedHashMap<>();
				for (Map.Entry<String, NDArray> e : device.entrySet()) {
					NDArray a = e.getValue();
					all.put(e.getKey(), new HostTensor(a.getShape().getShape(), a.toFloatArray()));
				}
				all.putAll(host);
				org.duodistill.model.AtomicFiles.write(file, out -> SafeTensors.write(out, all, null, Map.of("state", new Gson().toJson(state))));
			} catch (IOException e) {
				throw new UncheckedIOException("cannot write the checkpoint " + file + " (" + e.getMessage()
						+ "; is the disk full?); the previous checkpoint is kept", e);
			}
		}
	}

	/** A saved trainer: its scalar state and its tensors by name. */
	record Snapshot(JsonObject state, Map<String, HostTensor> tensors) {
		/** Copies the saved values into {@code target} in place (no gradient is recorded). */
		void restore(String name, NDArray target) {
			HostTensor t = tensors.get(name);
			if (t == null) throw new IllegalStateException("checkpoint lacks " + name);
			target.set(ALL, target.getManager().create(t.data(), new Shape(t.shape())));
		}
	}
}
