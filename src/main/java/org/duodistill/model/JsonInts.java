package org.duodistill.model;

import com.google.gson.JsonArray;

/** int[] to and from JSON arrays, for the architecture descriptions in model.json. */
final class JsonInts {
	private JsonInts() {}

	static JsonArray array(int[] v) {
		JsonArray a = new JsonArray();
		for (int x : v) a.add(x);
		return a;
	}

	static int[] ints(JsonArray a) {
		int[] v = new int[a.size()];
		for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsInt();
		return v;
	}
}
