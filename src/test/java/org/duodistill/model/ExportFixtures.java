package org.duodistill.model;

import com.google.gson.JsonObject;
import org.duodistill.data.Preprocessing;
import org.duodistill.select.ElementSelector;
import org.duodistill.select.WeightSelection;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Students that DuoDistill's exporter writes for the export proof: weight-selected from each
 * family's fixture teacher, with a seeded fresh head. {@code main} writes them into
 * src/test/resources/fixtures/FAMILY/export/, where scripts/make_vit_convnext_fixtures.py loads each
 * into its PyTorch reference module with strict=True and stores the logits; {@link ExportProofTest}
 * checks that the committed files are what the exporter writes now and that our logits match.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.duodistill.model.ExportFixtures</pre>
 */
public final class ExportFixtures {
	static final String[][] STUDENTS = {
			{"resnet", "teacher_basic.safetensors", null, "resnet10-w8", "32"},
			{"vit", "teacher.safetensors", "vit-e64-d3-h2-p4-i16", "vit-e32-d2-h1-p4-i16", "16"},
			{"convnext", "teacher.safetensors", null, "convnext-d1.1.2.1-w8", "32"}};

	private ExportFixtures() {}

	static SavedModel student(String[] row) throws Exception {
		CheckpointImport.Imported t = CheckpointImport.load(Fixtures.path(row[0], row[1]), row[2]);
		ModelSpec spec = Architectures.parse(row[3], t.spec().inChannels(), t.spec().numClasses()).withImageSize(Integer.parseInt(row[4]));
		var weights = WeightSelection.select(t.spec(), t.weights(), spec, ElementSelector.uniform(0), 42);
		List<String> classes = new ArrayList<>();
		for (int i = 0; i < spec.numClasses(); i++) classes.add("c" + i);
		Preprocessing prep = new Preprocessing(Integer.parseInt(row[4]), spec.inChannels(), 0.5, 99.5, new float[spec.inChannels()],
				filled(spec.inChannels()));
		return new SavedModel(spec, weights, classes, prep, new JsonObject());
	}

	private static float[] filled(int n) {
		float[] a = new float[n];
		java.util.Arrays.fill(a, 1f);
		return a;
	}

	static String fileName(String family) {
		return "student_" + family + ".safetensors";
	}

	public static void main(String[] args) throws Exception {
		Path root = Path.of("src/test/resources/fixtures");
		for (String[] row : STUDENTS) {
			Path out = root.resolve(row[0]).resolve("export").resolve(fileName(row[0]));
			ModelExport.write(student(row), out, true);
			System.out.println("wrote " + out);
		}
	}
}
