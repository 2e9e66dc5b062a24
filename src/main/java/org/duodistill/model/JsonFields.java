package org.duodistill.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Map;

/**
 * Checks a stored JSON object against one this version writes: every field the writer puts there
 * must be present with the same kind (number, string, array, object), so that a damaged or
 * hand-edited model.json is refused naming the field, not with a Java message about a null.
 */
final class JsonFields {
	private JsonFields() {}

	/** The first field of {@code prototype} that {@code actual} lacks or holds as another kind, as "path.field (why)"; null when none. */
	static String problem(JsonObject actual, JsonObject prototype, String path) {
		for (Map.Entry<String, JsonElement> e : prototype.entrySet()) {
			String name = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
			JsonElement a = actual.get(e.getKey());
			if (a == null || a.isJsonNull()) return "missing field '" + name + "'";
			JsonElement p = e.getValue();
			if (p.isJsonObject()) {
				if (!a.isJsonObject()) return "field '" + name + "' must be an object";
				String inner = problem(a.getAsJsonObject(), p.getAsJsonObject(), name);
				if (inner != null) return inner;
			} else if (p.isJsonArray() && !a.isJsonArray()) {
				return "field '" + name + "' must be an array";
			} else if (p.isJsonPrimitive()) {
				if (!a.isJsonPrimitive()) return "field '" + name + "' must be a " + (p.getAsJsonPrimitive().isNumber() ? "number" : "value");
				if (p.getAsJsonPrimitive().isNumber() && !isNumber(a)) return "field '" + name + "' must be a number, not '" + a.getAsString() + "'";
			}
		}
		return null;
	}

	private static boolean isNumber(JsonElement a) {
		try {
			a.getAsDouble();
			return true;
		} catch (RuntimeException e) {
			return false;
		}
	}
}
