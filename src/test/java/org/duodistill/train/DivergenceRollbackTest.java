package org.duodistill.train;

import ai.djl.Device;
import org.duodistill.data.ImageReaders;
import org.duodistill.model.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A divergence found after the student's first checkpoint (raised here at the end of its second
 * epoch, as the trainer raises it for a NaN loss) rolls back to that checkpoint and continues at
 * half the learning rate: the teacher is not trained again and the finished model's history is
 * the first epoch followed by the epochs redone.
 */
class DivergenceRollbackTest {
	@TempDir
	Path dir;

	@Test
	void aDivergenceAfterACheckpointRollsBackToItAtHalfTheRate() throws Exception {
		Engines.configure(2);
		List<String> messages = new ArrayList<>();
		List<EpochRecord> seen = new ArrayList<>();
		boolean[] raised = {false};
		TrainingListener l = new TrainingListener() {
			@Override
			public void message(String text) {
				messages.add(text);
			}

			@Override
			public void epoch(EpochRecord r) {
				seen.add(r);
				if (!raised[0] && r.model().equals("student") && r.epoch() == 2) {
					raised[0] = true;
					throw new TrainingDiverged("student", r.stage(), r.epoch(), 3, 99, Double.NaN, r.lr());
				}
			}
		};
		TrainingOptions opt = TrainingOptions.defaults().withMethod(Method.SINGLE_WS).withEpochs(3).withBatch(16);
		Path out = dir.resolve("model");
		TrainingJob.Request req = new TrainingJob.Request(Path.of("sample-images"), out, "auto", "resnet10-w8", "resnet10-w4", 32, opt,
				Device.cpu(), false, ImageReaders.standard());
		TrainResult result = TrainingJob.run(req, l, 1, 1, false, List.of("train"));
		assertTrue(messages.stream().anyMatch(m -> m.contains("rolling back to the last checkpoint and continuing with --lr 0.000500")),
				messages.toString());
		long teacherEpochs = seen.stream().filter(r -> r.model().equals("teacher")).count();
		assertEquals(3, teacherEpochs, "the teacher trained once: its checkpoint was restored, not retrained");
		assertEquals(List.of(1, 2, 3), result.history().stream().map(EpochRecord::epoch).toList(), "epoch 1 kept, 2 and 3 redone");
		assertEquals(opt.learningRate(), result.history().get(0).lr(), 1e-12, "before the rollback: the original rate");
		assertTrue(result.history().get(1).lr() <= opt.learningRate() / 2 + 1e-12, "after it: half the rate");
		assertTrue(Files.isRegularFile(out.resolve("model.json")));
		assertFalse(Files.exists(TrainingJob.checkpointFolder(out)));
	}
}
