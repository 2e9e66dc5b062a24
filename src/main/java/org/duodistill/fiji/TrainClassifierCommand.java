package org.duodistill.fiji;

import ai.djl.Device;
import ij.measure.ResultsTable;
import org.duodistill.model.Architectures;
import org.duodistill.hub.HubRepoId;
import org.duodistill.hub.HubSettings;
import org.duodistill.train.Method;
import org.duodistill.train.TeacherCatalogue;
import org.duodistill.train.TeacherSource;
import org.duodistill.train.TrainingOptions;
import org.scijava.ItemIO;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** Plugins > DuoDistill > Train Classifier...: a labelled folder or CSV in, a model folder out. */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Train Classifier...", headless = true)
public class TrainClassifierCommand extends SlicingCommand {
	@Parameter(label = "Labelled images (folder or CSV)", style = FileWidget.FILE_AND_DIRECTORY_STYLE,
			description = "One sub-folder per class (optionally under train/val/test), or a CSV path,label[,split]")
	private File data;

	@Parameter(label = "Model folder to write", style = FileWidget.DIRECTORY_STYLE)
	private File output;

	@Parameter(label = "Method", choices = {"dual-skd", "single-ws", "ws-ema", "kd", "random", "teacher"})
	private String method = "dual-skd";

	/** Choice: a teacher trained on the user's images first (macros may also say {@code teacher=auto}). */
	static final String AUTO = "auto (train here)";
	/** Choice: the checkpoint file or model folder of {@code teacher_file}. */
	static final String FILE = "file or folder...";
	/** Choice: the Hub repo typed into {@code hub_repo}. */
	static final String OTHER_HUB = "other hf-hub repo...";
	/** Choice: the student of the teacher's catalogue pair ({@link TeacherCatalogue#defaultStudent}). */
	static final String PAIRED = "paired with the teacher";
	static final String DEFAULT_TEACHER = "hf-hub:timm/resnet18.a1_in1k";

	/*
	 * The choices are TeacherCatalogue.ENTRIES' references, written out because annotation values must be
	 * constants (a DynamicCommand could fill them at run time, but would stop being a CommandModule for
	 * scripts); FijiHubTeacherTest checks they are the catalogue's, in its order. Choice values never change
	 * with the cache, so recorded macros keep working; which ones are cached is said in cached_teachers.
	 */
	@Parameter(label = "Teacher", choices = {"hf-hub:timm/vit_small_patch16_224.augreg_in21k",
			"hf-hub:timm/vit_small_patch16_224.augreg_in21k_ft_in1k", "hf-hub:timm/convnext_tiny.fb_in22k",
			"hf-hub:timm/convnext_tiny.fb_in22k_ft_in1k", "hf-hub:timm/resnet18.a1_in1k", "hf-hub:timm/resnet50.a1_in1k", OTHER_HUB, AUTO,
			FILE}, description = "A pretrained timm model from the Hugging Face Hub (downloaded once into its cache, shared with Python),"
					+ " another Hub repo, a teacher trained here on your images first (auto: slower, and it passes little on), or a"
					+ " checkpoint / model folder. Macros may also give teacher=auto, teacher=hf-hub:ORG/NAME[@REV] or teacher=[/path]."
					+ " Plugins > DuoDistill > Pretrained Teachers lists the pairs.")
	private String teacher = DEFAULT_TEACHER;

	@Parameter(label = " ", visibility = ItemVisibility.MESSAGE, required = false, persist = false, initializer = "describeCache")
	private String cached_teachers = "";

	@Parameter(label = "Other Hub teacher (hf-hub:ORG/NAME[@REV])", required = false,
			description = "Used when the teacher is '" + OTHER_HUB + "': any timm repo with config.json and model.safetensors")
	private String hub_repo = "";

	@Parameter(label = "Teacher file or folder", required = false, style = FileWidget.FILE_AND_DIRECTORY_STYLE,
			description = "Used when the teacher is '" + FILE + "': a .safetensors/.npz checkpoint with timm or torchvision names,"
					+ " or a DuoDistill model folder")
	private File teacher_file;

	@Parameter(label = "Teacher architecture (auto only)", choices = {"resnet18", "resnet34", "resnet50", "resnet26", "resnet10", "resnet18-w32",
			"vit_small_patch8_64", "vit_small_patch16_224", "convnext_tiny"},
			description = "The network trained here when the teacher is auto; a Hub or file teacher brings its own")
	private String teacher_arch = Architectures.DEFAULT_TEACHER;

	@Parameter(label = "Student architecture", choices = {PAIRED, "resnet10-w32", "resnet10-w16", "resnet18-w32", "resnet10", "resnet26-w32",
			"vit_tiny_patch8_64", "vit_tiny_patch16_224", "convnext_femto"},
			description = "Paired: the catalogue's student for a catalogue teacher (e.g. resnet10-w32 for resnet18), resnet10-w32 otherwise")
	private String student_arch = PAIRED;

	@Parameter(label = "Grey images and an RGB teacher", choices = {"sum", "replicate"},
			description = "sum: the teacher's first layer summed to one channel (a grey student, same computation);"
					+ " replicate: the grey image copied to three channels (an RGB student)")
	private String teacher_channels = TrainingOptions.TeacherChannels.SUM.id();

	@Parameter(label = "Input size (pixels)", min = "8", max = "1024")
	private int size = 64;

	@Parameter(label = "Epochs", min = "1")
	private int epochs = 30;

	@Parameter(label = "Batch size", min = "2")
	private int batch = 32;

	@Parameter(label = "Learning rate", stepSize = "0.0001")
	private double lr = 1e-3;

	@Parameter(label = "Random seed")
	private int seed = 42;

	@Parameter(label = "Fraction of training images to use", min = "0.01", max = "1")
	private double train_fraction = 1.0;

	@Parameter(label = "Calibrate confidences", choices = {"temperature", "none"},
			description = "temperature: after training, one temperature fitted on the validation split divides the logits, so that"
					+ " confidences match how often the model is right (accuracy unchanged; recorded in model.json);"
					+ " none: the network's own softmax")
	private String calibrate = "temperature";

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu"})
	private String device = "auto";

	@Parameter(label = "Allow horizontal flips (laterality does not matter)")
	private boolean hflip = false;

	@Parameter(label = "Replace an existing model folder")
	private boolean overwrite = false;

	@Parameter
	private StatusService status;

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT)
	private String summary;

	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable training;

	@Override
	public void run() {
		if (data == null || !data.exists()) {
			cancel("Training data not found: " + data);
			return;
		}
		if (output == null) {
			cancel("Choose a folder for the model");
			return;
		}
		cached_teachers = null; // shown in the dialog only: null keeps it (it changes with the cache) out of recorded macros
		TrainSettings s;
		try {
			s = settings();
			s.check();
		} catch (IllegalArgumentException e) {
			fail(e.getMessage());
			return;
		}
		FijiTraining.Outcome o = FijiTraining.run(s, false, status, log, this);
		if (o.failure() != null) {
			fail(o.failure());
			return;
		}
		summary = o.summary();
		training = o.training();
	}

	/** The run's settings from this dialog's values (the advanced command adds the method's options). */
	TrainSettings settings() {
		TrainSettings s = new TrainSettings();
		s.data = data;
		s.output = output;
		s.method = method;
		s.teacher = teacherValue();
		TeacherSource.parse(s.teacher); // a malformed hf-hub: reference stops here, before any work
		s.teacherArch = TeacherSource.parse(s.teacher).isAuto() ? teacher_arch : null;
		s.studentArch = studentValue(s.teacher);
		// null: neither given nor remembered (a script that leaves it out): the command line's default
		s.teacherChannels = teacher_channels == null ? "sum" : teacher_channels;
		s.calibrate = calibrate == null ? "temperature" : calibrate;
		s.size = size;
		s.epochs = epochs;
		s.batch = batch;
		s.lr = lr;
		s.seed = seed;
		s.trainFraction = train_fraction;
		s.device = device;
		s.hflip = hflip;
		s.overwrite = overwrite;
		s.slices = slicePolicy();
		return s;
	}

	/**
	 * The {@code --teacher} value the choice stands for. Besides the choices, macros may give {@code auto},
	 * any {@code hf-hub:} reference or a path as the value itself (the forms recorded before the choice existed).
	 */
	String teacherValue() {
		String t = teacher == null ? "" : teacher.trim();
		if (t.isEmpty() || t.equals(AUTO) || t.equals("auto")) return "auto";
		if (t.equals(FILE)) {
			if (teacher_file == null || teacher_file.getPath().isBlank()) {
				throw new IllegalArgumentException("the teacher is '" + FILE + "': choose the teacher file or folder (teacher_file)");
			}
			if (!teacher_file.exists()) throw new IllegalArgumentException("Teacher not found: " + teacher_file);
			return teacher_file.getPath();
		}
		if (t.equals(OTHER_HUB)) {
			String repo = hub_repo == null ? "" : hub_repo.trim();
			if (repo.isEmpty()) {
				throw new IllegalArgumentException("the teacher is '" + OTHER_HUB + "': type the repo into hub_repo, e.g. hf-hub:timm/resnet34.a1_in1k");
			}
			return HubRepoId.isHubReference(repo) ? repo : "hf-hub:" + repo;
		}
		return t;
	}

	/** The student architecture: the one chosen, or for {@link #PAIRED} the catalogue's pair of the teacher (resnet10-w32 otherwise). */
	String studentValue(String teacherValue) {
		return student_arch == null || student_arch.isBlank() || student_arch.equals(PAIRED) ? TeacherCatalogue.defaultStudent(teacherValue)
				: student_arch.trim();
	}

	/** Initializer of the message under the teacher: which catalogue teachers are already in the Hugging Face cache. */
	void describeCache() {
		cached_teachers = cacheNote(HubSettings.fromEnvironment());
	}

	static String cacheNote(HubSettings settings) {
		List<String> cached = new ArrayList<>();
		for (TeacherCatalogue.Entry e : TeacherCatalogue.ENTRIES) {
			try {
				if (TeacherCatalogue.cached(e, settings)) cached.add(e.repo());
			} catch (RuntimeException ex) {
				// an unreadable cache only costs the note
			}
		}
		String where = settings.offline() ? " (HF_HUB_OFFLINE: only these can be used)" : "";
		return cached.isEmpty() ? "No pretrained teacher is cached yet: the one chosen is downloaded once into " + settings.cacheDir()
				: "Cached" + where + ": " + String.join(", ", cached) + "; others are downloaded once into " + settings.cacheDir();
	}

	private void fail(String reason) {
		if (log != null) log.error("DuoDistill: " + reason);
		cancel(reason);
	}
}
