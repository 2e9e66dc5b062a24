package org.duodistill.data;

import org.duodistill.model.Architectures;
import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.NpzReader;
import org.duodistill.model.SafeTensors;
import org.duodistill.model.SavedModel;
import org.duodistill.model.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded mutation fuzzing of every reader of untrusted files: safetensors, npz, model folders
 * (model.json), DICOM and NIfTI. Each mutated input must end in a result or in the reader's own
 * error type (naming the file), within a time bound: never another exception type, a hang or an
 * out-of-memory error.
 */
class ReaderFuzzTest {
	static final int INPUTS = 1500;
	@TempDir
	Path dir;

	interface Reader {
		void read(Path file) throws Exception;
	}

	/** Byte flips, extreme values, truncation and insertion, 1 to 4 of them per input. */
	static byte[] mutate(byte[] base, Random rng) {
		byte[] b = base.clone();
		int n = 1 + rng.nextInt(4);
		for (int k = 0; k < n; k++) {
			switch (rng.nextInt(5)) {
				case 0 -> b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
				case 1 -> {
					int at = rng.nextInt(Math.max(1, b.length - 8));
					byte v = (byte) (rng.nextBoolean() ? 0xFF : 0x7F);
					for (int i = 0; i < 1 + rng.nextInt(8) && at + i < b.length; i++) b[at + i] = v;
				}
				case 2 -> b = java.util.Arrays.copyOf(b, rng.nextInt(b.length + 1));
				case 3 -> {
					int at = rng.nextInt(b.length + 1);
					byte[] extra = new byte[1 + rng.nextInt(16)];
					rng.nextBytes(extra);
					byte[] c = new byte[b.length + extra.length];
					System.arraycopy(b, 0, c, 0, at);
					System.arraycopy(extra, 0, c, at, extra.length);
					System.arraycopy(b, at, c, at + extra.length, b.length - at);
					b = c;
				}
				default -> {
					int at = rng.nextInt(Math.max(1, b.length - 4));
					if (at + 4 <= b.length) ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(rng.nextBoolean() ? Integer.MAX_VALUE : -1);
				}
			}
			if (b.length == 0) b = new byte[] {0};
		}
		return b;
	}

	/** Feeds {@code INPUTS} mutations of {@code base} to {@code reader}; lists every unexpected outcome. */
	void fuzz(String what, byte[] base, String fileName, Reader reader, Class<?>... expected) throws Exception {
		Random rng = new Random(what.hashCode());
		List<String> problems = new ArrayList<>();
		ExecutorService exec = Executors.newSingleThreadExecutor();
		try {
			for (int i = 0; i < INPUTS && problems.size() < 5; i++) {
				Path file = dir.resolve(fileName);
				Files.write(file, mutate(base, rng));
				int input = i;
				Future<?> f = exec.submit(() -> {
					try {
						reader.read(file);
					} catch (Throwable t) {
						for (Class<?> ok : expected) if (ok.isInstance(t)) return null;
						problems.add(what + " input " + input + ": " + t);
					}
					return null;
				});
				try {
					f.get(10, TimeUnit.SECONDS);
				} catch (java.util.concurrent.TimeoutException e) {
					f.cancel(true);
					problems.add(what + " input " + input + ": no result within 10 s");
					Files.copy(file, dir.resolve("hang-" + fileName));
					break;
				}
			}
		} finally {
			exec.shutdownNow();
		}
		assertTrue(problems.isEmpty(), String.join("\n", problems));
	}

	@Test
	void safetensors() throws Exception {
		Path f = dir.resolve("base.safetensors");
		Map<String, HostTensor> t = new LinkedHashMap<>();
		t.put("a.weight", new HostTensor(new long[] {3, 4}, new float[12]));
		t.put("b", new HostTensor(new long[] {5}, new float[] {1, 2, 3, 4, 5}));
		SafeTensors.write(f, t);
		fuzz("safetensors", Files.readAllBytes(f), "x.safetensors", SafeTensors::read, IOException.class);
	}

	@Test
	void npz() throws Exception {
		fuzz("npz", npzBytes(), "x.npz", NpzReader::read, IOException.class);
	}

	@Test
	void modelFolders() throws Exception {
		ModelSpec spec = Architectures.parse("resnet10-w2", 1, 2);
		Path model = dir.resolve("model");
		ModelFolder.write(model, new SavedModel(spec, WeightInit.random(spec, 1), List.of("a", "b"),
				new Preprocessing(16, 1, 0.5, 99.5, new float[] {0}, new float[] {1}), new com.google.gson.JsonObject()), null, false);
		byte[] json = Files.readAllBytes(model.resolve("model.json"));
		fuzz("model.json", json, "model/model.json", f -> ModelFolder.read(f.getParent()), IOException.class);
		Files.write(model.resolve("model.json"), json);
		fuzz("model weights", Files.readAllBytes(model.resolve("weights.safetensors")), "model/weights.safetensors",
				f -> ModelFolder.read(f.getParent()), IOException.class);
	}

	@Test
	void dicom() throws Exception {
		DicomReader r = new DicomReader();
		for (String name : List.of("MR_small.dcm", "MR_small_RLE.dcm")) {
			fuzz("dicom " + name, Files.readAllBytes(Path.of("src/test/resources/data/dicom", name)), "x.dcm",
					f -> r.read(f, ReadOptions.DEFAULT), ImageReadException.class);
		}
	}

	@Test
	void nifti() throws Exception {
		NiftiReader r = new NiftiReader();
		for (String name : List.of("derived_2d.nii", "derived_int8_be.nii")) {
			fuzz("nifti " + name, Files.readAllBytes(Path.of("src/test/resources/data/nifti", name)), "x.nii",
					f -> r.read(f, ReadOptions.DEFAULT), ImageReadException.class);
		}
	}

	/** Crafted headers: what a hostile file would claim. Each is one clear error, without allocating what it claims. */
	@Test
	void craftedSafetensorsHeadersAreRefusedCheaply() throws Exception {
		String[] headers = {
				"{\"t\":{\"dtype\":\"F32\",\"shape\":[2147483648,2147483648],\"data_offsets\":[0,0]}}",
				"{\"t\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}",
				"{\"t\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}",
				"{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,1099511627776]}}",
				"{\"../../etc/passwd\":{\"dtype\":\"X99\",\"shape\":[1],\"data_offsets\":[0,4]}}",
				"{\"t\":{\"dtype\":\"F32\",\"shape\":\"big\",\"data_offsets\":[0,4]}}"};
		for (String h : headers) {
			byte[] json = h.getBytes(StandardCharsets.UTF_8);
			ByteBuffer b = ByteBuffer.allocate(8 + json.length + 16).order(ByteOrder.LITTLE_ENDIAN);
			b.putLong(json.length).put(json);
			Path f = dir.resolve("crafted.safetensors");
			Files.write(f, b.array());
			try {
				SafeTensors.read(f);
				throw new AssertionError("accepted: " + h);
			} catch (org.duodistill.model.TensorFileException e) {
				assertTrue(e.getMessage().contains("crafted.safetensors"), e.getMessage());
			}
		}
	}

	/** A small .npz (zip of .npy) with two float32 arrays, as numpy.savez writes it. */
	static byte[] npzBytes() throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
			for (String name : List.of("conv1.weight", "fc.bias")) {
				zip.putNextEntry(new ZipEntry(name + ".npy"));
				String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
				int pad = 64 - (10 + header.length() + 1) % 64;
				header = header + " ".repeat(pad % 64) + "\n";
				ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 24).order(ByteOrder.LITTLE_ENDIAN);
				b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) header.length());
				b.put(header.getBytes(StandardCharsets.US_ASCII));
				for (int i = 0; i < 6; i++) b.putFloat(i);
				zip.write(b.array());
				zip.closeEntry();
			}
		}
		return bytes.toByteArray();
	}
}
