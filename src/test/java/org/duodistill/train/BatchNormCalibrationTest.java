package org.duodistill.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.Sample;
import org.duodistill.model.Architectures;
import org.duodistill.model.BatchNormMode;
import org.duodistill.model.DeviceWeights;
import org.duodistill.model.Engines;
import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchNormCalibrationTest {
	@BeforeAll
	static void engine() {
		Engines.configure(2);
	}

	static float maxAbsDiff(float[] a, float[] b) {
		float d = 0;
		for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
		return d;
	}

	/**
	 * Statistics taken from elsewhere (here: scaled far off) make inference-mode outputs wrong;
	 * re-estimated on one batch, inference on that batch matches batch-statistics outputs.
	 */
	@Test
	void reEstimatedStatisticsDescribeTheWeights() {
		Engines.noGradientsOnThisThread();
		ModelSpec spec = Architectures.parse("resnet10-w8", 1, 3);
		LinkedHashMap<String, HostTensor> w0 = WeightInit.random(spec, 3);
		for (var e : w0.entrySet()) {
			if (e.getKey().endsWith("running_mean")) java.util.Arrays.fill(e.getValue().data(), 0.7f);
			if (e.getKey().endsWith("running_var")) java.util.Arrays.fill(e.getValue().data(), 9f);
		}
		List<Sample> batch = EmaStepTest.randomSamples(16, 32, 3, 9);
		Preprocessing prep = new Preprocessing(32, 1, 0.5, 99.5, new float[] {0.5f}, new float[] {0.25f});
		int[] all = new int[16];
		for (int i = 0; i < 16; i++) all[i] = i;
		try (NDManager root = Engines.engine().newBaseManager(); DeviceWeights w = DeviceWeights.upload(spec, w0, root, Device.cpu())) {
			NDArray x = Batches.images(root, Device.cpu(), batch, all, prep, null, null);
			float[] batchStats = spec.network().forward(w, x, BatchNormMode.BATCH_ONLY).toFloatArray();
			float[] before = spec.network().forward(w, x, BatchNormMode.EVAL).toFloatArray();
			assertArrayEquals(w0.get("bn1.running_mean").data(), w.download().get("bn1.running_mean").data(), "BATCH_ONLY leaves statistics alone");
			BatchNormCalibration.recalibrate(w, batch, prep, 16, 512, 1);
			float[] after = spec.network().forward(w, x, BatchNormMode.EVAL).toFloatArray();
			float scale = 0;
			for (float v : batchStats) scale = Math.max(scale, Math.abs(v));
			assertTrue(maxAbsDiff(before, batchStats) > 0.2f * scale, "foreign statistics change the outputs: " + maxAbsDiff(before, batchStats));
			// Not zero: PyTorch keeps the unbiased variance (n/(n-1)), and the last stage has 1x1 maps at
			// 32 px, so n = 16 there and each deep BatchNorm rescales by about 3%.
			float off = maxAbsDiff(after, batchStats);
			assertTrue(off < 0.15f * scale && off < maxAbsDiff(before, batchStats) / 5, "after: " + off + ", before "
					+ maxAbsDiff(before, batchStats) + ", scale " + scale);
		}
	}
}
