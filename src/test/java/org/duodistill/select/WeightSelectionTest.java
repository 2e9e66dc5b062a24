package org.duodistill.select;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.duodistill.model.Architectures;
import org.duodistill.model.CheckpointImport;
import org.duodistill.model.Fixtures;
import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.ResNetSpec;
import org.duodistill.model.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightSelectionTest {
	/** Students selected by the independent PyTorch script must match ours exactly. */
	@ParameterizedTest
	@CsvSource({
			"teacher_basic.safetensors, student_uniform0.safetensors, 'resnet10-w8', uniform(0)",
			"teacher_basic.safetensors, student_uniform1.safetensors, 'resnet10-w8', uniform(1)",
			"teacher_basic.safetensors, student_consecutive0.safetensors, 'resnet10-w8', consecutive(0)",
			"teacher_basic.safetensors, student_w6_uniform0.safetensors, 'resnet10-w6', uniform(0)",
			"teacher_basic.safetensors, student_w6_uniform1.safetensors, 'resnet10-w6', uniform(1)",
			"teacher_bottleneck.safetensors, student_bottleneck_uniform1.safetensors, bottleneck, uniform(1)"})
	void matchesThePyTorchReference(String teacherFile, String studentFile, String arch, String selector) throws Exception {
		CheckpointImport.Imported teacher = CheckpointImport.load(Fixtures.resnet(teacherFile), null);
		ModelSpec studentSpec = arch.equals("bottleneck")
				? new ResNetSpec("bottleneck-w4", true, new int[] {1, 1, 1, 1}, new int[] {4, 8, 16, 32}, 4, 3, 4)
				: Architectures.parse(arch, teacher.spec().inChannels(), teacher.spec().numClasses());
		LinkedHashMap<String, HostTensor> ours = WeightSelection.select(teacher.spec(), teacher.weights(), studentSpec,
				ElementSelector.parse(selector), 7);
		Map<String, HostTensor> expected = Fixtures.read(studentFile);
		int compared = 0;
		for (Map.Entry<String, HostTensor> e : expected.entrySet()) {
			HostTensor mine = ours.get(e.getKey());
			assertArrayEquals(e.getValue().shape(), mine.shape(), e.getKey());
			assertArrayEquals(e.getValue().data(), mine.data(), e.getKey());
			compared++;
		}
		assertEquals(ours.size() - 2, compared, "every tensor but the fresh head is compared");
	}

	@Test
	void selectorIndicesMatchTheReferenceTable() throws Exception {
		JsonObject o = JsonParser.parseString(Files.readString(Fixtures.resnet("selection_indices.json"))).getAsJsonObject();
		int n = 0;
		for (JsonElement c : o.getAsJsonArray("cases")) {
			JsonObject k = c.getAsJsonObject();
			ElementSelector s = ElementSelector.parse(k.get("selector").getAsString() + "(" + k.get("offset").getAsInt() + ")");
			int t = k.get("teacher_len").getAsInt();
			int st = k.get("student_len").getAsInt();
			int[] expected = k.getAsJsonArray("indices").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
			if (s instanceof UniformSelector u && t % st == 0 && u.offset() >= t / st) continue;
			assertArrayEquals(expected, s.indices(t, st), s.describe() + " " + t + "->" + st);
			n++;
		}
		assertTrue(n >= 30, "compared " + n + " cases");
	}

	/**
	 * With an integer ratio >= 2 the two subsets are interleaved and disjoint. (With an uneven ratio
	 * METHOD.md's round(i*(T-1)/(S-1)) pins both ends, so only the last index can be shared.)
	 */
	@Test
	void uniformOffsetsAreDisjointWhenTheRatioIsAtLeastTwo() {
		for (int[] ts : new int[][] {{64, 32}, {512, 256}, {96, 32}, {30, 10}, {2048, 64}}) {
			Set<Integer> a = set(ElementSelector.uniform(0).indices(ts[0], ts[1]));
			Set<Integer> b = set(ElementSelector.uniform(1).indices(ts[0], ts[1]));
			Set<Integer> both = new HashSet<>(a);
			both.retainAll(b);
			assertEquals(Set.of(), both, Arrays.toString(ts));
		}
		Set<Integer> a = set(ElementSelector.uniform(0).indices(10, 4));
		a.retainAll(set(ElementSelector.uniform(1).indices(10, 4)));
		assertEquals(Set.of(9), a, "uneven 10->4: only the pinned last index is shared");
	}

	@Test
	void everySelectorGivesStrictlyIncreasingIndicesInRange() {
		for (ElementSelector s : List.of(ElementSelector.uniform(0), ElementSelector.uniform(1), ElementSelector.uniform(2),
				ElementSelector.consecutive(0), ElementSelector.random(3), ElementSelector.random(4))) {
			for (int t = 1; t <= 40; t++) {
				for (int st = 1; st <= t; st++) {
					int[] idx;
					try {
						idx = s.indices(t, st);
					} catch (IllegalArgumentException e) {
						continue; // offset does not fit these lengths: refused, never out of range
					}
					assertEquals(st, idx.length);
					for (int i = 0; i < idx.length; i++) {
						assertTrue(idx[i] >= 0 && idx[i] < t, s.describe() + " " + t + "->" + st);
						if (i > 0) assertTrue(idx[i] > idx[i - 1], s.describe() + " " + t + "->" + st + " " + Arrays.toString(idx));
					}
					assertArrayEquals(idx, s.indices(t, st), "deterministic");
				}
			}
		}
		assertNotEquals(Arrays.toString(ElementSelector.random(3).indices(40, 10)), Arrays.toString(ElementSelector.random(4).indices(40, 10)));
	}

	@Test
	void equalShapesReproduceTheTeacherExactly() {
		ModelSpec spec = Architectures.parse("resnet18-w8", 1, 4);
		LinkedHashMap<String, HostTensor> teacher = WeightInit.random(spec, 3);
		LinkedHashMap<String, HostTensor> student = WeightSelection.select(spec, teacher, spec, ElementSelector.uniform(1), 9);
		for (String k : spec.tensorShapes().keySet()) {
			if (spec.isHead(k)) continue;
			assertArrayEquals(teacher.get(k).data(), student.get(k).data(), k);
		}
		assertEquals(spec.tensorShapes().keySet(), student.keySet());
	}

	/**
	 * Every teacher element holds its own (axis-0, axis-1) index, so a student's values reveal which
	 * teacher channels it took: every tensor carrying a stage's residual stream must take the same set.
	 */
	@Test
	void theResidualChannelSetIsTheSameInEveryTensorThatCarriesIt() {
		ModelSpec teacherSpec = Architectures.parse("resnet18-w16", 1, 3);
		ModelSpec studentSpec = Architectures.parse("resnet10-w6", 1, 3);
		LinkedHashMap<String, HostTensor> teacher = new LinkedHashMap<>();
		for (Map.Entry<String, long[]> e : teacherSpec.tensorShapes().entrySet()) teacher.put(e.getKey(), indexTensor(e.getValue()));
		for (ElementSelector sel : List.of(ElementSelector.uniform(0), ElementSelector.uniform(1), ElementSelector.random(5))) {
			LinkedHashMap<String, HostTensor> s = WeightSelection.select(teacherSpec, teacher, studentSpec, sel, 1);
			for (int stage = 1; stage <= 4; stage++) {
				String p = "layer" + stage + ".0.";
				int[] carried = axis0(s.get(p + "bn2.running_mean"));
				assertArrayEquals(carried, axis0(s.get(p + "bn2.weight")), sel.describe());
				assertArrayEquals(carried, axis0(s.get(p + "conv2.weight")), sel.describe());
				if (stage > 1) assertArrayEquals(carried, axis0(s.get(p + "downsample.1.running_var")), sel.describe());
				if (stage > 1) assertArrayEquals(carried, axis0(s.get(p + "downsample.0.weight")), sel.describe());
				// The next stage reads the same channels on its input axis.
				if (stage < 4) assertArrayEquals(carried, axis1(s.get("layer" + (stage + 1) + ".0.conv1.weight")), sel.describe());
				int teacherWidth = (int) teacherSpec.tensorShapes().get(p + "bn2.weight")[0];
				assertArrayEquals(sel.indices(teacherWidth, carried.length), carried, sel.describe());
			}
			assertArrayEquals(axis0(s.get("bn1.weight")), axis1(s.get("layer1.0.conv1.weight")));
		}
	}

	@Test
	void studentsThatDoNotFitAreRefused() {
		ModelSpec teacher = Architectures.parse("resnet18-w16", 1, 3);
		LinkedHashMap<String, HostTensor> w = WeightInit.random(teacher, 1);
		IllegalArgumentException deeper = assertThrows(IllegalArgumentException.class,
				() -> WeightSelection.select(teacher, w, Architectures.parse("resnet34-w8", 1, 3), ElementSelector.uniform(0), 1));
		assertTrue(deeper.getMessage().contains("deeper"), deeper.getMessage());
		IllegalArgumentException wider = assertThrows(IllegalArgumentException.class,
				() -> WeightSelection.select(teacher, w, Architectures.parse("resnet10-w32", 1, 3), ElementSelector.uniform(0), 1));
		assertTrue(wider.getMessage().contains("wider"), wider.getMessage());
		IllegalArgumentException block = assertThrows(IllegalArgumentException.class,
				() -> WeightSelection.select(teacher, w, Architectures.parse("resnet26-w8", 1, 3), ElementSelector.uniform(0), 1));
		assertTrue(block.getMessage().contains("bottleneck"), block.getMessage());
	}

	@Test
	void theHeadIsFreshAndSizedForTheTargetClasses() {
		ModelSpec teacher = Architectures.parse("resnet18-w16", 1, 7);
		LinkedHashMap<String, HostTensor> w = WeightInit.random(teacher, 1);
		ModelSpec student = Architectures.parse("resnet10-w8", 1, 3);
		LinkedHashMap<String, HostTensor> s = WeightSelection.select(teacher, w, student, ElementSelector.uniform(0), 11);
		assertArrayEquals(new long[] {3, 64}, s.get("fc.weight").shape());
		HostTensor expectedSlice = WeightSelection.selectTensor("fc.weight", w.get("fc.weight"), new long[] {3, 64}, ElementSelector.uniform(0));
		assertTrue(!Arrays.equals(expectedSlice.data(), s.get("fc.weight").data()), "head must not be selected from the teacher");
	}

	@Test
	void selectorsParseAndPrintCanonically() {
		assertEquals("uniform(1)", ElementSelector.parse(" Uniform( 1 ) ").describe());
		assertEquals("random(42)", ElementSelector.parse("random(42)").describe());
		assertThrows(IllegalArgumentException.class, () -> ElementSelector.parse("middle(1)"));
		assertThrows(IllegalArgumentException.class, () -> ElementSelector.uniform(2).indices(16, 8));
	}

	private static HostTensor indexTensor(long[] shape) {
		HostTensor t = HostTensor.zeros(shape);
		long inner = 1;
		for (int a = 2; a < shape.length; a++) inner *= shape[a];
		long d1 = shape.length > 1 ? shape[1] : 1;
		for (int i = 0; i < t.size(); i++) {
			long i0 = i / (d1 * inner);
			long i1 = (i / inner) % d1;
			t.data()[i] = i0 + 1000 * i1;
		}
		return t;
	}

	private static int[] axis0(HostTensor t) {
		long per = t.size() / t.dim(0);
		int[] out = new int[(int) t.dim(0)];
		for (int i = 0; i < out.length; i++) out[i] = (int) (t.data()[(int) (i * per)] % 1000);
		return out;
	}

	private static int[] axis1(HostTensor t) {
		long inner = t.size() / t.dim(0) / t.dim(1);
		int[] out = new int[(int) t.dim(1)];
		for (int i = 0; i < out.length; i++) out[i] = (int) (t.data()[(int) (i * inner)] / 1000);
		return out;
	}

	private static Set<Integer> set(int[] a) {
		Set<Integer> s = new HashSet<>();
		for (int x : a) s.add(x);
		return s;
	}
}
