package org.duodistill.infer;

import ai.djl.Device;
import com.google.gson.JsonObject;
import org.duodistill.data.ImagePlane;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.Preprocessing;
import org.duodistill.model.Architectures;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.Predictor;
import org.duodistill.model.SavedModel;
import org.duodistill.model.WeightInit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Temperature scaling: finds the temperature that made the labels, lowers the ECE, keeps every arg-max. */
class CalibrationTest {
	/** Labels drawn from softmax(z / 2.5): a model whose logits are 2.5 times too confident. */
	@Test
	void recoversTheTemperatureThatMadeTheLabelsAndLowersTheEce() {
		Random r = new Random(5);
		int n = 6000;
		float[][] z = new float[n][3];
		int[] y = new int[n];
		for (int i = 0; i < n; i++) {
			for (int c = 0; c < 3; c++) z[i][c] = (float) (4 * r.nextGaussian());
			float[] p = Calibration.softmax(z[i], 2.5);
			double u = r.nextDouble();
			y[i] = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
		}
		Calibration c = Calibration.fit(z, y, "val");
		assertEquals(2.5, c.temperature(), 0.2, "the temperature that generated the labels");
		assertEquals(n, c.images());
		assertTrue(c.eceAfter() < 0.02 && c.eceBefore() > 0.1, "ECE " + c.eceBefore() + " -> " + c.eceAfter());
		double best = Calibration.nll(z, y, c.temperature());
		for (double t : new double[] {1, c.temperature() * 0.8, c.temperature() * 1.25}) assertTrue(best <= Calibration.nll(z, y, t), "NLL minimal at T");
		float[][] before = Calibration.softmax(z, 1);
		float[][] after = Calibration.softmax(z, c.temperature());
		for (int i = 0; i < n; i++) assertEquals(Metrics.argmax(before[i]), Metrics.argmax(after[i]), "a temperature keeps the arg-max");
		assertEquals(Metrics.compute(before, y, 3).accuracy(), Metrics.compute(after, y, 3).accuracy(), "so accuracy does not change");
	}

	/** By hand: confidences 0.8 (right) and 0.6 (wrong) fall in two bins, |1 - 0.8| and |0 - 0.6|, half the images each. */
	@Test
	void eceNllAndBrierAreTheUsualDefinitions() {
		float[][] p = {{0.8f, 0.2f}, {0.4f, 0.6f}};
		int[] y = {0, 0};
		Metrics m = Metrics.compute(p, y, 2);
		assertEquals(0.4, m.ece(), 1e-6);
		assertEquals(-(Math.log(0.8) + Math.log(0.4)) / 2, m.nll(), 1e-6);
		assertEquals((0.04 + 0.04 + 0.36 + 0.36) / 2, m.brier(), 1e-6);
		var rows = m.asRows(List.of("a", "b"));
		assertEquals(List.of("accuracy", "balanced_accuracy", "macro_f1", "macro_auc", "n", "ece", "nll", "brier"),
				List.copyOf(rows.keySet()).subList(0, 8), "evaluate's CSV gives them after n");
	}

	/** Seen on sample-images: a validation split classified without error drove T to its bound (every confidence 1.0). */
	@Test
	void aPerfectlySeparatedValidationSplitIsNotCalibratedTowardsCertainty() {
		float[][] z = {{3, 0, 0}, {0, 2, 0}, {0, 0, 1}, {4, 1, 0}};
		int[] y = {0, 1, 2, 0};
		Calibration c = Calibration.fit(z, y, "val");
		assertEquals("none", c.method());
		assertEquals(1.0, c.temperature());
		assertEquals(4, c.images());
	}

	@Test
	void anUnderconfidentModelGetsATemperatureBelowOne() {
		Random r = new Random(9);
		int n = 3000;
		float[][] z = new float[n][2];
		int[] y = new int[n];
		for (int i = 0; i < n; i++) {
			z[i][0] = (float) r.nextGaussian();
			z[i][1] = (float) r.nextGaussian();
			y[i] = r.nextDouble() < Calibration.softmax(z[i], 0.4)[0] ? 0 : 1;
		}
		assertEquals(0.4, Calibration.fit(z, y, "val").temperature(), 0.06);
	}

	@Test
	void aModelFolderWithoutTheFieldLoadsAsTemperatureOneAndTheFieldRoundTrips() {
		assertEquals(1.0, Calibration.of(new JsonObject()).temperature());
		assertEquals(Calibration.NONE, Calibration.fit(new float[0][], new int[0], "val"));
		Calibration c = new Calibration("temperature", 1.7, "val", 45, 0.12, 0.03);
		JsonObject prov = new JsonObject();
		prov.add("calibration", c.toJson());
		assertEquals(c, Calibration.of(prov));
		JsonObject bad = new JsonObject();
		JsonObject field = new JsonObject();
		field.addProperty("method", "temperature");
		field.addProperty("temperature", -2);
		bad.add("calibration", field);
		assertThrows(IllegalArgumentException.class, () -> Calibration.of(bad));
	}

	/** classify's probabilities are softmax(logits / T) with the model folder's T. */
	@Test
	void theClassifierAppliesTheModelsTemperature() {
		Engines.configure(2);
		ModelSpec spec = Architectures.parse("resnet10-w4", 1, 3);
		Preprocessing prep = new Preprocessing(16, 1, Preprocessing.DEFAULT_LOW, Preprocessing.DEFAULT_HIGH, new float[] {0.5f}, new float[] {0.25f});
		JsonObject prov = new JsonObject();
		prov.add("calibration", new Calibration("temperature", 3.0, "val", 10, 0.2, 0.05).toJson());
		SavedModel model = new SavedModel(spec, WeightInit.random(spec, 4), List.of("a", "b", "c"), prep, prov);
		Random r = new Random(1);
		List<ImagePlane> planes = new ArrayList<>();
		for (int k = 0; k < 3; k++) {
			float[] px = new float[16 * 16];
			for (int i = 0; i < px.length; i++) px[i] = r.nextFloat() * 255;
			planes.add(new ImagePlane(16, 16, 1, px, 8));
		}
		List<float[]> inputs = new ArrayList<>();
		for (ImagePlane p : planes) inputs.add(prep.apply(p));
		float[][] logits;
		try (var m = Engines.engine().newBaseManager(); DeviceWeights w = DeviceWeights.upload(spec, model.weights(), m, Device.cpu())) {
			logits = Predictor.logits(w, inputs, 1, 16, 8);
		}
		try (Classifier c = new Classifier(model, Device.cpu(), ImageReaders.standard())) {
			List<Prediction> got = c.classify("x", planes);
			for (int i = 0; i < planes.size(); i++) {
				float[] want = Calibration.softmax(logits[i], 3.0);
				for (int k = 0; k < 3; k++) assertEquals(want[k], got.get(i).probabilities()[k], 1e-5, "plane " + i + " class " + k);
			}
		}
	}
}
