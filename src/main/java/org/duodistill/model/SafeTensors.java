package org.duodistill.model;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw
 * little-endian data), the format Python's {@code safetensors} library and Hugging Face use.
 * Written by hand so that tensor order, names and integer buffers stay under our control.
 */
public final class SafeTensors {
	private static final long MAX_HEADER = 100L << 20;

	private SafeTensors() {}

	/** Reads every floating-point tensor as float32; integer tensors are converted too. */
	public static Map<String, HostTensor> read(Path file) throws IOException {
		return readWithMetadata(file).tensors();
	}

	public record Contents(Map<String, HostTensor> tensors, Map<String, String> metadata) {}

	public static Contents readWithMetadata(Path file) throws IOException {
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = ch.size();
			if (size < 8) throw new TensorFileException(file, "too short to be a safetensors file (" + size + " bytes)");
			ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
			readFully(ch, lenBuf, 0);
			long headerLen = lenBuf.flip().getLong();
			if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
				throw new TensorFileException(file, "not a safetensors file (header length " + headerLen + ")");
			}
			ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
			readFully(ch, hb, 8);
			JsonObject header;
			try {
				header = JsonParser.parseString(new String(hb.array(), StandardCharsets.UTF_8)).getAsJsonObject();
			} catch (JsonParseException | IllegalStateException e) {
				throw new TensorFileException(file, "safetensors header is not valid JSON", e);
			}
			long dataStart = 8 + headerLen;
			Map<String, HostTensor> tensors = new LinkedHashMap<>();
			Map<String, String> metadata = new LinkedHashMap<>();
			for (Map.Entry<String, JsonElement> e : header.entrySet()) {
				if (e.getKey().equals("__metadata__")) {
					try {
						for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
							metadata.put(m.getKey(), m.getValue().getAsString());
						}
					} catch (RuntimeException bad) {
						throw new TensorFileException(file, "__metadata__ must map names to strings", bad);
					}
					continue;
				}
				String dtype;
				long[] shape;
				long begin;
				long end;
				long n;
				try {
					JsonObject info = e.getValue().getAsJsonObject();
					dtype = info.get("dtype").getAsString();
					shape = new long[info.getAsJsonArray("shape").size()];
					for (int i = 0; i < shape.length; i++) {
						shape[i] = info.getAsJsonArray("shape").get(i).getAsLong();
						if (shape[i] < 0) throw new IllegalArgumentException("negative dimension " + shape[i]);
					}
					begin = info.getAsJsonArray("data_offsets").get(0).getAsLong();
					end = info.getAsJsonArray("data_offsets").get(1).getAsLong();
					n = HostTensor.numel(shape);
				} catch (RuntimeException bad) {
					// a header entry without dtype, shape or data_offsets, or with values of the wrong kind
					throw new TensorFileException(file, "tensor '" + e.getKey() + "' has a malformed header entry (dtype, shape and two"
							+ " data_offsets are needed): " + bad.getMessage(), bad);
				}
				int width = dtypeWidth(file, e.getKey(), dtype);
				if (n > Integer.MAX_VALUE / 8) {
					throw new TensorFileException(file, "tensor '" + e.getKey() + "' claims " + java.util.Arrays.toString(shape) + " = " + n
							+ " values, more than one array can hold");
				}
				if (end - begin != n * width || dataStart + end > size || begin < 0) {
					throw new TensorFileException(file, "tensor '" + e.getKey() + "' has inconsistent offsets [" + begin + "," + end + ") for " + dtype + " shape " + java.util.Arrays.toString(shape));
				}
				ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(end - begin)).order(ByteOrder.LITTLE_ENDIAN);
				readFully(ch, buf, dataStart + begin);
				buf.flip();
				tensors.put(e.getKey(), new HostTensor(shape, decode(buf, dtype, (int) n)));
			}
			return new Contents(tensors, metadata);
		}
	}

	private static int dtypeWidth(Path file, String name, String dtype) throws TensorFileException {
		switch (dtype) {
			case "F64": case "I64": return 8;
			case "F32": case "I32": return 4;
			case "F16": case "BF16": case "I16": return 2;
			case "U8": case "I8": case "BOOL": return 1;
			default: throw new TensorFileException(file, "tensor '" + name + "' has unsupported dtype " + dtype);
		}
	}

	private static float[] decode(ByteBuffer buf, String dtype, int n) {
		float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			switch (dtype) {
				case "F32": out[i] = buf.getFloat(); break;
				case "F64": out[i] = (float) buf.getDouble(); break;
				case "I64": out[i] = buf.getLong(); break;
				case "I32": out[i] = buf.getInt(); break;
				case "I16": out[i] = buf.getShort(); break;
				case "F16": out[i] = halfToFloat(buf.getShort()); break;
				case "BF16": out[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16); break;
				case "U8": case "BOOL": out[i] = buf.get() & 0xff; break;
				case "I8": out[i] = buf.get(); break;
				default: throw new IllegalStateException(dtype);
			}
		}
		return out;
	}

	static float halfToFloat(short h) {
		int bits = h & 0xffff;
		int sign = (bits & 0x8000) << 16;
		int exp = (bits >>> 10) & 0x1f;
		int mant = bits & 0x3ff;
		if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
		if (exp == 0) {
			float v = mant / 1024f / 16384f;
			return sign == 0 ? v : -v;
		}
		return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
	}

	private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
		long pos = position;
		while (buf.hasRemaining()) {
			int r = ch.read(buf, pos);
			if (r < 0) throw new IOException("unexpected end of file");
			pos += r;
		}
	}

	/**
	 * Writes float32 tensors in the given order; names listed in {@code int64Scalars} are added as
	 * zero-dimensional int64 tensors (PyTorch's BatchNorm {@code num_batches_tracked} buffers).
	 */
	public static void write(OutputStream out, Map<String, HostTensor> tensors, Map<String, Long> int64Scalars,
			Map<String, String> metadata) throws IOException {
		JsonObject header = new JsonObject();
		if (metadata != null && !metadata.isEmpty()) {
			JsonObject meta = new JsonObject();
			metadata.forEach(meta::addProperty);
			header.add("__metadata__", meta);
		}
		long offset = 0;
		List<byte[]> chunks = new ArrayList<>();
		for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
			HostTensor t = e.getValue();
			ByteBuffer b = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
			b.asFloatBuffer().put(t.data());
			offset = addEntry(header, e.getKey(), "F32", t.shape(), offset, b.array(), chunks);
		}
		if (int64Scalars != null) {
			for (Map.Entry<String, Long> e : int64Scalars.entrySet()) {
				ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(e.getValue());
				offset = addEntry(header, e.getKey(), "I64", new long[0], offset, b.array(), chunks);
			}
		}
		byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
		int padded = (json.length + 7) / 8 * 8;
		byte[] headerBytes = new byte[padded];
		java.util.Arrays.fill(headerBytes, (byte) ' ');
		System.arraycopy(json, 0, headerBytes, 0, json.length);
		out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
		out.write(headerBytes);
		for (byte[] c : chunks) out.write(c);
	}

	private static long addEntry(JsonObject header, String name, String dtype, long[] shape, long offset, byte[] bytes,
			List<byte[]> chunks) {
		JsonObject info = new JsonObject();
		info.addProperty("dtype", dtype);
		com.google.gson.JsonArray s = new com.google.gson.JsonArray();
		for (long d : shape) s.add(d);
		info.add("shape", s);
		com.google.gson.JsonArray o = new com.google.gson.JsonArray();
		o.add(offset);
		o.add(offset + bytes.length);
		info.add("data_offsets", o);
		header.add(name, info);
		chunks.add(bytes);
		return offset + bytes.length;
	}

	public static void write(Path file, Map<String, HostTensor> tensors) throws IOException {
		try (OutputStream out = Files.newOutputStream(file)) {
			write(out, tensors, null, null);
		}
	}
}
