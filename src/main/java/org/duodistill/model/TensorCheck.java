package org.duodistill.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Compares a file's tensors with what an architecture needs and lists every difference. */
final class TensorCheck {
	private static final int LIST_LIMIT = 12;

	private TensorCheck() {}

	/**
	 * @param allowHeadMismatch the head may be missing or sized for other classes (imported teachers)
	 * @throws TensorFileException naming missing, unexpected and mis-shaped tensors
	 */
	static void verify(Path file, ModelSpec spec, Map<String, HostTensor> tensors, boolean allowHeadMismatch) throws TensorFileException {
		Map<String, long[]> expected = spec.tensorShapes();
		List<String> missing = new ArrayList<>();
		List<String> misShaped = new ArrayList<>();
		List<String> unexpected = new ArrayList<>();
		for (Map.Entry<String, long[]> e : expected.entrySet()) {
			boolean head = spec.isHead(e.getKey());
			HostTensor t = tensors.get(e.getKey());
			if (t == null) {
				if (!(head && allowHeadMismatch)) missing.add(e.getKey());
			} else if (!t.sameShape(e.getValue()) && !(head && allowHeadMismatch)) {
				misShaped.add(e.getKey() + " " + Arrays.toString(t.shape()) + " (expected " + Arrays.toString(e.getValue()) + ")");
			}
		}
		for (String k : tensors.keySet()) {
			if (!expected.containsKey(k)) unexpected.add(k);
		}
		if (missing.isEmpty() && misShaped.isEmpty() && unexpected.isEmpty()) return;
		StringBuilder b = new StringBuilder("weights do not fit " + spec.name() + ":");
		append(b, "missing", missing);
		append(b, "unexpected", unexpected);
		append(b, "mis-shaped", misShaped);
		throw new TensorFileException(file, b.toString());
	}

	private static void append(StringBuilder b, String what, List<String> items) {
		if (items.isEmpty()) return;
		b.append(' ').append(items.size()).append(' ').append(what).append(" [");
		b.append(String.join(", ", items.subList(0, Math.min(LIST_LIMIT, items.size()))));
		if (items.size() > LIST_LIMIT) b.append(", ...");
		b.append("];");
	}
}
