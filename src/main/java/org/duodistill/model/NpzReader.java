package org.duodistill.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Reads numpy {@code .npz} archives (a zip of {@code .npy} arrays), as written by {@code numpy.savez}. */
public final class NpzReader {
	private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
	private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
	private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

	private NpzReader() {}

	public static Map<String, HostTensor> read(Path file) throws IOException {
		Map<String, HostTensor> out = new LinkedHashMap<>();
		try (ZipFile zip = new ZipFile(file.toFile())) {
			var entries = zip.entries();
			while (entries.hasMoreElements()) {
				ZipEntry e = entries.nextElement();
				String name = e.getName();
				if (e.isDirectory() || !name.endsWith(".npy")) continue;
				String key = name.substring(0, name.length() - 4);
				try (InputStream in = zip.getInputStream(e)) {
					byte[] bytes = in.readAllBytes();
					try {
						out.put(key, readNpy(file, key, bytes));
					} catch (RuntimeException bad) {
						// a header or data shorter than it says, a header length beyond the array, ...
						throw new TensorFileException(file, "array '" + key + "' is a malformed .npy (" + bad + ")", bad);
					}
				}
			}
		} catch (java.util.zip.ZipException e) {
			throw new TensorFileException(file, "not a valid .npz archive (" + e.getMessage() + ")", e);
		}
		return out;
	}

	static HostTensor readNpy(Path file, String key, byte[] bytes) throws TensorFileException {
		if (bytes.length < 10 || bytes[0] != (byte) 0x93 || bytes[1] != 'N' || bytes[2] != 'U') {
			throw new TensorFileException(file, "array '" + key + "' is not in .npy format");
		}
		int major = bytes[6];
		ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		int headerLen;
		int start;
		if (major == 1) {
			headerLen = b.getShort(8) & 0xffff;
			start = 10;
		} else {
			headerLen = b.getInt(8);
			start = 12;
		}
		String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
		Matcher d = DESCR.matcher(header);
		Matcher o = ORDER.matcher(header);
		Matcher s = SHAPE.matcher(header);
		if (!d.find() || !o.find() || !s.find()) {
			throw new TensorFileException(file, "array '" + key + "' has an unreadable .npy header: " + header.trim());
		}
		String descr = d.group(1);
		boolean fortran = o.group(1).equals("True");
		String[] dims = s.group(1).split(",");
		long[] shape = java.util.Arrays.stream(dims).map(String::trim).filter(x -> !x.isEmpty()).mapToLong(Long::parseLong).toArray();
		int n = Math.toIntExact(HostTensor.numel(shape));
		ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
		ByteBuffer data = ByteBuffer.wrap(bytes, start + headerLen, bytes.length - start - headerLen).slice().order(order);
		String kind = descr.substring(1);
		float[] values = new float[n];
		for (int i = 0; i < n; i++) {
			switch (kind) {
				case "f4": values[i] = data.getFloat(); break;
				case "f8": values[i] = (float) data.getDouble(); break;
				case "f2": values[i] = SafeTensors.halfToFloat(data.getShort()); break;
				case "i8": values[i] = data.getLong(); break;
				case "i4": values[i] = data.getInt(); break;
				case "i2": values[i] = data.getShort(); break;
				case "u1": case "b1": values[i] = data.get() & 0xff; break;
				case "i1": values[i] = data.get(); break;
				default: throw new TensorFileException(file, "array '" + key + "' has unsupported dtype " + descr);
			}
		}
		if (fortran && shape.length > 1) values = fromFortran(values, shape);
		return new HostTensor(shape, values);
	}

	private static float[] fromFortran(float[] f, long[] shape) {
		int r = shape.length;
		int n = f.length;
		float[] c = new float[n];
		int[] idx = new int[r];
		for (int fi = 0; fi < n; fi++) {
			int ci = 0;
			for (int a = 0; a < r; a++) ci = ci * (int) shape[a] + idx[a];
			c[ci] = f[fi];
			for (int a = 0; a < r; a++) {
				if (++idx[a] < shape[a]) break;
				idx[a] = 0;
			}
		}
		return c;
	}
}
