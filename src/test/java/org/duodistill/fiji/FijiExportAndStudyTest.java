package org.duodistill.fiji;

import ai.djl.Device;
import ij.IJ;
import ij.measure.ResultsTable;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.SlicePolicy;
import org.duodistill.model.Engines;
import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.SafeTensors;
import org.duodistill.model.SavedModel;
import org.duodistill.study.Study;
import org.duodistill.study.StudyReport;
import org.duodistill.study.StudyRow;
import org.duodistill.study.StudyVariant;
import org.duodistill.train.Method;
import org.duodistill.train.TrainingJob;
import org.duodistill.train.TrainingListener;
import org.duodistill.train.TrainingOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.log.LogService;

import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export for PyTorch... and Compare Methods... run in the real SciJava context from their macro forms
 * (the options string a recorded macro passes), on tiny data and tiny models.
 */
class FijiExportAndStudyTest {
	@TempDir
	static Path dir;
	static Context context;
	static Path data;
	static Path model;

	@BeforeAll
	static void setUp() throws Exception {
		Engines.configure(2);
		context = new Context(CommandService.class, LogService.class, StatusService.class, ConvertService.class);
		data = FijiTestData.labelledFolder(dir, 6);
		model = dir.resolve("model");
		TrainingOptions opt = TrainingOptions.defaults().withMethod(Method.SINGLE_WS).withEpochs(1).withBatch(8);
		TrainingJob.run(new TrainingJob.Request(data, model, "auto", "resnet10-w8", "resnet10-w4", 32, opt, Device.cpu(), false,
				ImageReaders.standard()), TrainingListener.NONE);
	}

	@AfterAll
	static void close() {
		context.dispose();
	}

	/** The command run as {@code run("Label...", options)} runs it: its inputs from the options string. */
	static CommandModule macro(Class<? extends Command> command, String options) throws Exception {
		Map<String, Object> in = MacroCommandRunner.inputs(context, command, options);
		return context.service(CommandService.class).run(command, true, in).get(5, TimeUnit.MINUTES);
	}

	@Test
	void exportWritesTheModelsTensorsAndNeverReplacesAFileUnasked() throws Exception {
		Path out = dir.resolve("export").resolve("model.safetensors");
		CommandModule m = macro(ExportForPyTorchCommand.class, "model=[" + model + "] output=[" + out + "]");
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		SavedModel saved = ModelFolder.read(model);
		Map<String, HostTensor> written = SafeTensors.read(out);
		assertTrue(written.keySet().containsAll(saved.spec().tensorShapes().keySet()), "every tensor of the network under its timm name");
		for (String k : saved.spec().tensorShapes().keySet()) assertArrayEquals(saved.weights().get(k).data(), written.get(k).data(), k);
		ResultsTable t = (ResultsTable) m.getOutput("export");
		assertEquals(1, t.size());
		assertEquals(out.toAbsolutePath().toString(), t.getStringValue("file", 0));
		assertEquals("axial,coronal,sagittal", t.getStringValue("classes", 0));
		assertTrue(t.getStringValue("pytorch", 0).contains("load_state_dict") || t.getStringValue("pytorch", 0).contains("scripts/"),
				t.getStringValue("pytorch", 0));

		byte[] before = Files.readAllBytes(out);
		Files.write(out, new byte[] {1, 2, 3}); // the user's file now
		CommandModule again = macro(ExportForPyTorchCommand.class, "model=[" + model + "] output=[" + out + "]");
		assertTrue(again.isCanceled());
		assertTrue(again.getCancelReason().contains(out.getFileName().toString()) && again.getCancelReason().contains("Replace an existing file"),
				again.getCancelReason());
		assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(out), "not replaced unasked");
		CommandModule replaced = macro(ExportForPyTorchCommand.class, "model=[" + model + "] output=[" + out + "] overwrite");
		assertFalse(replaced.isCanceled(), String.valueOf(replaced.getCancelReason()));
		assertArrayEquals(before, Files.readAllBytes(out), "replaced when asked, by the same export");

		CommandModule wrongName = macro(ExportForPyTorchCommand.class, "model=[" + model + "] output=[" + dir.resolve("model.pt") + "]");
		assertTrue(wrongName.isCanceled() && wrongName.getCancelReason().contains(".safetensors"), wrongName.getCancelReason());
		assertFalse(Files.exists(dir.resolve("model.pt")));
	}

	static final String STUDY = " methods=random,single-ws fractions=1 size=32 epochs=1 teacher_epochs=1 batch=8 teacher=auto"
			+ " teacher_arch=resnet10-w8 student_arch=resnet10-w4 device=cpu";

	@Test
	void compareMethodsRecordsOneRowPerRunTheTableAndTheFigureAndEscStopsBetweenRuns() throws Exception {
		Path out = dir.resolve("study");
		String options = "data=[" + data + "] output=[" + out + "] name=tiny seeds=1" + STUDY;
		CommandModule m = macro(CompareMethodsCommand.class, options);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		ResultsTable t = (ResultsTable) m.getOutput("study");
		assertEquals(2, t.size(), "one row per method x fraction x seed");
		assertEquals(Set.of("random", "single-ws"), Set.of(t.getStringValue("method", 0), t.getStringValue("method", 1)));
		List<StudyRow> rows = Study.read(out.resolve(Study.CSV));
		assertEquals(2, rows.size());
		for (int i = 0; i < 2; i++) {
			assertEquals("tiny", t.getStringValue("dataset", i));
			assertEquals(rows.get(i).testMacroF1(), t.getValue("test_macro_f1", i), 1e-6);
			assertEquals(rows.get(i).trainImages(), (int) t.getValue("train_images", i));
		}
		BufferedImage figure = javax.imageio.ImageIO.read(out.resolve(StudyReport.PLOT_PNG).toFile());
		assertNotNull(figure, "study.png where the command line writes it");
		BufferedImage expected = StudyReport.plot(rows);
		assertEquals(expected.getWidth(), figure.getWidth());
		assertEquals(expected.getHeight(), figure.getHeight());
		assertTrue(Files.readString(out.resolve(StudyReport.SUMMARY_MD)).contains("single-ws"));

		// Esc held down: a second seed is not started; the table still shows the runs recorded
		IJ.setKeyDown(KeyEvent.VK_ESCAPE);
		try {
			CommandModule stopped = macro(CompareMethodsCommand.class, "data=[" + data + "] output=[" + out + "] name=tiny seeds=1,2" + STUDY);
			assertFalse(stopped.isCanceled(), String.valueOf(stopped.getCancelReason()));
			assertTrue(((String) stopped.getOutput("summary")).contains("cancelled"), (String) stopped.getOutput("summary"));
		} finally {
			IJ.resetEscape();
		}
		assertEquals(rows, Study.read(out.resolve(Study.CSV)), "nothing run, nothing lost");
	}

	/** A run stopped part way is not a row: its figures would be a shorter run's. */
	@Test
	void aStudyCancelledDuringARunKeepsTheRunsFinishedAndDropsThatOne() throws Exception {
		Path out = dir.resolve("study-cancelled");
		int[] started = {0};
		TrainingListener cancelSecond = new TrainingListener() {
			@Override
			public void message(String text) {
				if (text.startsWith("study ")) started[0]++;
			}

			@Override
			public boolean isCancelled() {
				return started[0] >= 2;
			}
		};
		TrainingOptions base = TrainingOptions.defaults().withEpochs(1).withBatch(8);
		Study.Config config = new Study.Config(data, "tiny", List.of(StudyVariant.parse("random"), StudyVariant.parse("single-ws")), List.of(1.0),
				List.of(1L), 32, base, 1, "auto", "resnet10-w8", "resnet10-w4", Device.cpu(), SlicePolicy.ALL);
		Study s = new Study(config, out, cancelSecond);
		s.run();
		assertTrue(s.stopped());
		assertEquals(List.of("random"), Study.read(out.resolve(Study.CSV)).stream().map(StudyRow::method).collect(Collectors.toList()));
	}
}
