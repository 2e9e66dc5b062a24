package org.duodistill.fiji;

import com.google.gson.JsonObject;
import ij.Macro;
import ij.measure.ResultsTable;
import org.duodistill.hub.HubRepoId;
import org.duodistill.hub.LoopbackHub;
import org.duodistill.model.Architectures;
import org.duodistill.model.Engines;
import org.duodistill.model.ModelFolder;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.SafeTensors;
import org.duodistill.model.SavedModel;
import org.duodistill.model.WeightInit;
import org.duodistill.train.Pipeline;
import org.duodistill.train.TeacherCatalogue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.log.LogListener;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.app.StatusService;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Train Classifier with a teacher from a loopback Hugging Face Hub, through a real SciJava context as
 * Fiji runs it: the teacher choice, the forms headless macros give, download progress on the status
 * bar, cancel during the download, Hub errors in one line, and the Pretrained Teachers table.
 */
class FijiHubTeacherTest {
	static final String REPO = "test-org/tiny-resnet";
	static final String HUB_TEACHER = "hf-hub:" + REPO;

	@TempDir
	static Path dir;
	static Context context;
	static CommandService commands;
	static LoopbackHub hub;
	static Path data;
	static byte[] weights;
	static String commit;
	static Path cache;

	@BeforeAll
	static void serve() throws Exception {
		Engines.configure(2);
		context = new Context(CommandService.class, LogService.class, StatusService.class);
		commands = context.service(CommandService.class);
		data = FijiTestData.labelledFolder(dir, 8);
		ModelSpec spec = Architectures.parse("resnet10-w8", 3, 7);
		Path f = dir.resolve("model.safetensors");
		SafeTensors.write(f, WeightInit.random(spec, 5));
		weights = Files.readAllBytes(f);
		hub = new LoopbackHub();
		String config = "{\"architecture\": \"resnet10-w8\", \"num_classes\": 7, \"num_features\": 64, \"pretrained_cfg\": {\"tag\": \"test\","
				+ " \"input_size\": [3, 32, 32], \"mean\": [0.2, 0.3, 0.4], \"std\": [0.5, 0.6, 0.7], \"first_conv\": \"conv1\","
				+ " \"classifier\": \"fc\"}}";
		hub.addFile(REPO, "main", "config.json", config.getBytes(StandardCharsets.UTF_8), false);
		commit = hub.addFile(REPO, "main", "model.safetensors", weights, true);
	}

	@AfterAll
	static void close() {
		hub.close();
		context.dispose();
	}

	/** Each test points HF_ENDPOINT and HF_HUB_CACHE (as Fiji users do with -D) at the loopback Hub and its own cache. */
	void useHub(String name) {
		cache = dir.resolve("hf-" + name);
		System.setProperty("HF_ENDPOINT", hub.endpoint());
		System.setProperty("HF_HUB_CACHE", cache.toString());
	}

	@AfterEach
	void clearHub() {
		System.clearProperty("HF_ENDPOINT");
		System.clearProperty("HF_HUB_CACHE");
		hub.cutAfterBytes(0, 0);
	}

	/** Tiny networks, one epoch: the command is under test. */
	static Map<String, Object> inputs(Path out, String teacher, String student) {
		Map<String, Object> in = new HashMap<>();
		Object[] kv = {"data", data.toFile(), "output", out.toFile(), "method", "single-ws", "teacher", teacher, "teacher_arch", "resnet10-w8",
				"student_arch", student, "teacher_channels", "sum", "size", 32, "epochs", 1, "batch", 8, "lr", 1e-3, "seed", 3,
				"train_fraction", 1.0, "device", "cpu", "hflip", false, "overwrite", false, "calibrate", "temperature"};
		for (int i = 0; i < kv.length; i += 2) in.put((String) kv[i], kv[i + 1]);
		// given, so that values persisted by an earlier run (SciJava remembers inputs) do not stand in
		in.put("hub_repo", "");
		in.put("teacher_file", null);
		return in;
	}

	/**
	 * What imagej-legacy's MacroPreprocessor does with {@code run("Train Classifier...", options)}: every
	 * input named in the options gets its value converted to the input's type, whatever the choices
	 * (headless there is no dialog to coerce it).
	 */
	static Map<String, Object> macroInputs(String options) {
		ConvertService convert = context.service(ConvertService.class);
		Map<String, Object> in = new HashMap<>();
		for (ModuleItem<?> item : commands.getCommand(TrainClassifierCommand.class).inputs()) {
			String value = Macro.getValue(options, item.getName(), null);
			if (value == null || !convert.supports(value, item.getType())) continue;
			in.put(item.getName(), convert.convert(value, item.getType()));
		}
		return in;
	}

	static CommandModule train(Map<String, Object> inputs) throws Exception {
		return commands.run(TrainClassifierCommand.class, true, inputs).get(5, TimeUnit.MINUTES);
	}

	static List<String> logged(ThrowingRunnable r) throws Exception {
		List<String> lines = Collections.synchronizedList(new ArrayList<>());
		LogService log = context.service(LogService.class);
		LogListener l = msg -> lines.add(msg.text());
		log.addLogListener(l);
		try {
			r.run();
		} finally {
			log.removeLogListener(l);
		}
		return lines;
	}

	interface ThrowingRunnable {
		void run() throws Exception;
	}

	@Test
	void theTeacherChoicesAreTheCatalogueFirstThenAnotherRepoAutoAndAFile() {
		CommandInfo info = commands.getCommand(TrainClassifierCommand.class);
		List<String> choices = info.getInput("teacher", String.class).getChoices();
		List<String> catalogue = TeacherCatalogue.ENTRIES.stream().map(TeacherCatalogue.Entry::reference).toList();
		assertEquals(catalogue, choices.subList(0, catalogue.size()), "the catalogue's references, in its order");
		assertEquals(List.of(TrainClassifierCommand.OTHER_HUB, TrainClassifierCommand.AUTO, TrainClassifierCommand.FILE),
				choices.subList(catalogue.size(), choices.size()));
		for (String c : choices) assertFalse(c.contains("cached"), "choice values never change with the cache: " + c);
		assertTrue(catalogue.contains(TrainClassifierCommand.DEFAULT_TEACHER));
		assertEquals(TrainClassifierCommand.PAIRED, info.getInput("student_arch", String.class).getChoices().get(0));
		assertEquals(List.of("sum", "replicate"), info.getInput("teacher_channels", String.class).getChoices());
	}

	@Test
	void thePairedStudentIsTheCataloguePairAndResnet10w32Otherwise() {
		TrainClassifierCommand c = new TrainClassifierCommand();
		assertEquals("resnet10-w32", c.studentValue("hf-hub:timm/resnet18.a1_in1k"));
		assertEquals("resnet26-w32", c.studentValue("hf-hub:timm/resnet50.a1_in1k"));
		assertEquals("vit_tiny_patch16_224", c.studentValue("hf-hub:timm/vit_small_patch16_224.augreg_in21k"));
		assertEquals("convnext_femto", c.studentValue("hf-hub:timm/convnext_tiny.fb_in22k@main"));
		assertEquals(Architectures.DEFAULT_STUDENT, c.studentValue("auto"));
		assertEquals(Architectures.DEFAULT_STUDENT, c.studentValue("/models/teacher.safetensors"));
	}

	/** The GUI choice, with the student named: a grey student from the summed RGB teacher, and model.json says where it came from. */
	@Test
	void trainingWithAHubTeacherRecordsItsRepoCommitAndChecksumAndTheStudentIsGrey() throws Exception {
		useHub("train");
		Path out = dir.resolve("hub-model");
		Map<String, Object> in = inputs(out, HUB_TEACHER, "resnet10-w4");
		CommandModule[] m = new CommandModule[1];
		List<String> log = logged(() -> m[0] = train(in));
		assertFalse(m[0].isCanceled(), String.valueOf(m[0].getCancelReason()));
		SavedModel saved = ModelFolder.read(out);
		JsonObject teacher = saved.provenance().getAsJsonObject("teacher");
		assertEquals(HUB_TEACHER, teacher.get("source").getAsString());
		assertEquals(commit, teacher.get("commit").getAsString());
		assertEquals(LoopbackHub.sha256Hex(weights), teacher.get("sha256").getAsString());
		assertEquals("resnet10-w4", saved.spec().name());
		assertEquals(1, saved.spec().inChannels(), "grey images, the teacher's RGB stem summed");
		assertTrue(Files.isRegularFile(cache.resolve("models--test-org--tiny-resnet/snapshots/" + commit + "/model.safetensors")));
		assertTrue(log.stream().anyMatch(l -> l.contains("downloading model.safetensors")), log.toString());
		assertTrue(log.stream().anyMatch(l -> l.contains("downloaded model.safetensors")), log.toString());
		assertFalse(log.stream().anyMatch(l -> l.contains("Pretrained Teachers")), "no auto note for a pretrained teacher");
		assertEquals(null, m[0].getInput("cached_teachers"), "the cache note is not recorded into macros");
	}

	/** Headless macros: an hf-hub value that is no listed choice, and the old forms teacher=auto and teacher=[path]. */
	@Test
	void headlessMacroFormsHubAutoAndAPathAsTheTeacherValue() throws Exception {
		useHub("macro");
		Path hubOut = dir.resolve("macro-hub");
		String common = "data=[" + data + "] method=single-ws student_arch=resnet10-w4 size=32 epochs=1 batch=8 lr=0.001 seed=3"
				+ " train_fraction=1 device=cpu teacher_channels=sum calibrate=temperature";
		Map<String, Object> hubForm = macroInputs("output=[" + hubOut + "] teacher=" + HUB_TEACHER + "@main " + common);
		assertEquals(HUB_TEACHER + "@main", hubForm.get("teacher"));
		CommandModule m = train(hubForm);
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		assertEquals(HUB_TEACHER, ModelFolder.read(hubOut).provenance().getAsJsonObject("teacher").get("source").getAsString());

		Path autoOut = dir.resolve("macro-auto");
		CommandModule[] auto = new CommandModule[1];
		List<String> log = logged(() -> auto[0] = train(macroInputs("output=[" + autoOut + "] teacher=auto teacher_arch=resnet10-w8 "
				+ common.replace("method=single-ws", "method=dual-skd"))));
		assertFalse(auto[0].isCanceled(), String.valueOf(auto[0].getCancelReason()));
		assertEquals("auto", ModelFolder.read(autoOut).provenance().getAsJsonObject("teacher").get("source").getAsString());
		assertNotEquals(Pipeline.AUTO_COSTS, FijiProgress.AUTO_COSTS, "Fiji's wording names the menu entry");
		assertTrue(log.stream().anyMatch(l -> l.equals("DuoDistill: " + FijiProgress.AUTO_COSTS)), "the auto note is in Fiji's log: " + log);

		// A model folder as the teacher value, as macros recorded before the choice existed
		Path folderOut = dir.resolve("macro-folder");
		CommandModule f = train(macroInputs("output=[" + folderOut + "] teacher=[" + hubOut + "] " + common));
		assertFalse(f.isCanceled(), String.valueOf(f.getCancelReason()));
		assertEquals(hubOut.toString(), ModelFolder.read(folderOut).provenance().getAsJsonObject("teacher").get("source").getAsString());
	}

	@Test
	void theFileChoiceAndTheOtherRepoChoiceNeedTheirFieldAndSaySo() throws Exception {
		useHub("fields");
		Map<String, Object> file = inputs(dir.resolve("no-file"), TrainClassifierCommand.FILE, "resnet10-w4");
		CommandModule m = train(file);
		assertTrue(m.isCanceled());
		assertTrue(m.getCancelReason().contains("teacher_file"), m.getCancelReason());
		Map<String, Object> other = inputs(dir.resolve("no-repo"), TrainClassifierCommand.OTHER_HUB, "resnet10-w4");
		m = train(other);
		assertTrue(m.isCanceled());
		assertTrue(m.getCancelReason().contains("hub_repo"), m.getCancelReason());
		other.put("hub_repo", "test-org/no-such-model");
		m = train(other);
		assertTrue(m.isCanceled(), "a 404 cancels the command");
		assertTrue(m.getCancelReason().contains("test-org/no-such-model") && !m.getCancelReason().contains("\n"), m.getCancelReason());
	}

	/**
	 * A download cut too often fails in one line and keeps its part for a resume; cancelled while
	 * resuming (Esc or the command's cancel), it says so in one line and leaves no blob and no part.
	 */
	@Test
	void cancellingDuringTheDownloadCancelsTheCommandAndLeavesNothingHalfWritten() throws Exception {
		useHub("cancel");
		Path blobs = cache.resolve("models--test-org--tiny-resnet/blobs");
		String sha = LoopbackHub.sha256Hex(weights);
		hub.cutAfterBytes(4096, 5); // config.json is shorter than a cut; the weights are cut on every retry
		CommandModule cut = train(inputs(dir.resolve("cut"), HUB_TEACHER, "resnet10-w4"));
		assertTrue(cut.isCanceled());
		assertTrue(cut.getCancelReason().contains(REPO) && cut.getCancelReason().contains("cut"), cut.getCancelReason());
		assertFalse(cut.getCancelReason().contains("\n"));
		assertTrue(Files.size(blobs.resolve(sha + ".incomplete")) > 0, "the part is kept to resume");
		hub.cutAfterBytes(0, 0);

		ModuleService modules = context.service(ModuleService.class);
		CommandModule module = (CommandModule) modules.createModule(commands.getCommand(TrainClassifierCommand.class));
		AtomicBoolean fired = new AtomicBoolean();
		List<String> log = logged(() -> {
			LogListener cancel = msg -> {
				if (msg.text().contains("downloading model.safetensors") && msg.text().contains("resuming") && fired.compareAndSet(false, true)) {
					((TrainClassifierCommand) module.getCommand()).cancel("user pressed cancel");
				}
			};
			LogService logService = context.service(LogService.class);
			logService.addLogListener(cancel);
			try {
				modules.run(module, true, inputs(dir.resolve("cancelled"), HUB_TEACHER, "resnet10-w4")).get(5, TimeUnit.MINUTES);
			} finally {
				logService.removeLogListener(cancel);
			}
		});
		assertTrue(fired.get(), log.toString());
		assertTrue(module.isCanceled());
		String reason = module.getCancelReason();
		assertTrue(reason.contains("cancelled while downloading the teacher " + HUB_TEACHER) && !reason.contains("\n"), reason);
		try (Stream<Path> s = Files.list(blobs)) {
			List<Path> left = s.filter(p -> p.getFileName().toString().startsWith(sha)).toList();
			assertEquals(List.of(), left, "no blob and no .incomplete of the cancelled download");
		}
		assertFalse(Files.exists(dir.resolve("cancelled").resolve("model.json")));
	}

	@Test
	void downloadsDriveTheStatusBarAndTheCommandsCancelStopsThem() {
		List<String> shown = new ArrayList<>();
		List<int[]> bars = new ArrayList<>();
		StatusService status = (StatusService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {StatusService.class},
				(proxy, method, args) -> {
					if (method.getName().equals("showStatus")) {
						if (args.length == 3) bars.add(new int[] {(int) args[0], (int) args[1]});
						shown.add((String) args[args.length - 1]);
					}
					return null;
				});
		TrainClassifierCommand command = new TrainClassifierCommand();
		FijiProgress progress = new FijiProgress(status, null, command);
		org.duodistill.hub.DownloadProgress d = progress.downloads();
		d.repository(HubRepoId.parse("hf-hub:timm/resnet18.a1_in1k"));
		d.started("model.safetensors", 46_800_000, 0);
		d.advanced("model.safetensors", 12_300_000, 46_800_000, 8_100_000);
		assertTrue(shown.contains("DuoDistill: downloading model.safetensors 12.3/46.8 MB (26%), 8.1 MB/s (Esc cancels)"), shown.toString());
		assertEquals(12_300_000 / 1024, bars.get(bars.size() - 1)[0]);
		assertEquals(46_800_000 / 1024, bars.get(bars.size() - 1)[1]);
		assertFalse(d.cancelled());
		command.cancel("user pressed cancel");
		assertTrue(d.cancelled(), "the command's cancel stops the download");
		d.finished("model.safetensors", 46_800_000);
		assertTrue(shown.get(shown.size() - 1).contains("downloaded model.safetensors from hf-hub:timm/resnet18.a1_in1k"), shown.toString());
	}

	@Test
	void pretrainedTeachersListsTheCatalogueAndMarksWhatIsCached() throws Exception {
		useHub("teachers");
		String fakeCommit = "0123456789abcdef0123456789abcdef01234567";
		Path repo = cache.resolve("models--timm--resnet18.a1_in1k");
		Files.createDirectories(repo.resolve("refs"));
		Files.writeString(repo.resolve("refs/main"), fakeCommit);
		Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(fakeCommit));
		Files.writeString(snap.resolve("config.json"), "{}");
		Files.write(snap.resolve("model.safetensors"), new byte[8]);

		CommandModule m = commands.run(PretrainedTeachersCommand.class, true).get();
		assertFalse(m.isCanceled(), String.valueOf(m.getCancelReason()));
		ResultsTable t = (ResultsTable) m.getOutput("teachers");
		assertEquals(TeacherCatalogue.ENTRIES.size(), t.size());
		for (String column : List.of("teacher", "student", "teacher_params_m", "student_params_m", "download_mb", "cached", "trained_on", "licence")) {
			assertTrue(t.columnExists(column), column);
		}
		for (int r = 0; r < t.size(); r++) {
			TeacherCatalogue.Entry e = TeacherCatalogue.ENTRIES.get(r);
			assertEquals(e.reference(), t.getStringValue("teacher", r));
			assertEquals(e.student(), t.getStringValue("student", r));
			assertEquals(e.teacherSpec().parameterCount() / 1e6, t.getValue("teacher_params_m", r), 1e-9);
			assertEquals(e.repo().equals("timm/resnet18.a1_in1k") ? "yes" : "no", t.getStringValue("cached", r), e.repo());
			assertEquals(e.licence(), t.getStringValue("licence", r));
		}
		assertTrue(((String) m.getOutput("summary")).contains(cache.toString()));

		// The Train Classifier dialog says the same under its teacher choice
		Module dialog = context.service(ModuleService.class).createModule(commands.getCommand(TrainClassifierCommand.class));
		dialog.initialize();
		String note = (String) dialog.getInput("cached_teachers");
		assertTrue(note.startsWith("Cached") && note.contains("timm/resnet18.a1_in1k") && !note.contains("resnet50"), note);
		System.setProperty("HF_HUB_CACHE", dir.resolve("hf-empty").toString());
		assertTrue(TrainClassifierCommand.cacheNote(org.duodistill.hub.HubSettings.fromEnvironment()).startsWith("No pretrained teacher is cached"));
	}
}
