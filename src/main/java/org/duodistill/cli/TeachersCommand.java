package org.duodistill.cli;

import org.duodistill.hub.HubSettings;
import org.duodistill.train.TeacherCatalogue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code teachers}: the recommended pretrained teachers with the student each initialises, their
 * sizes, what they were trained on, licence, download size and whether the Hugging Face cache
 * already has them. Asks no network.
 */
@Command(name = "teachers", customSynopsis = "duodistill teachers",
		description = {"Lists the recommended pretrained teachers (asks no network).",
				"The student each initialises, sizes, licence, download size, and whether the cache has it."})
final class TeachersCommand implements Callable<Integer> {
	private final Streams io;

	@Mixin HelpOption help;

	TeachersCommand(Streams io) {
		this.io = io;
	}

	@Override
	public Integer call() {
		PrintStream out = io.out();
		HubSettings settings = HubSettings.fromEnvironment();
		out.println(String.format(Locale.ROOT, "%-56s %-22s %-9s %-9s %-9s %-7s %s", "teacher (--teacher hf-hub:...)", "student (--student-arch)",
				"teacher", "student", "download", "cached", "trained on; licence"));
		for (TeacherCatalogue.Entry e : TeacherCatalogue.ENTRIES) {
			out.println(String.format(Locale.ROOT, "%-56s %-22s %-9s %-9s %-9s %-7s %s; %s", e.reference(), e.student(),
					millions(e.teacherSpec().parameterCount()), millions(e.studentSpec().parameterCount()),
					String.format(Locale.ROOT, "%.0f MB", e.downloadBytes() / 1e6), TeacherCatalogue.cached(e, settings) ? "yes" : "no",
					e.trainedOn(), e.licence()));
		}
		out.println();
		out.println("Hugging Face cache: " + settings.cacheDir() + (settings.offline() ? " (HF_HUB_OFFLINE: cache only)" : "")
				+ "; endpoint " + settings.endpoint());
		TeacherCatalogue.Entry example = TeacherCatalogue.find("hf-hub:timm/resnet18.a1_in1k");
		out.println("e.g. duodistill train --data DIR --output MODEL_DIR --teacher " + example.reference() + "   (student: "
				+ example.student() + ", the default for this teacher)");
		out.println("Parameters: the teacher with its own head, the student with a 2-class head. Any timm repo with config.json and"
				+ " model.safetensors works the same way (hf-hub:ORG/NAME[@REVISION]).");
		return 0;
	}

	private static String millions(long n) {
		return String.format(Locale.ROOT, "%.1fM", n / 1e6);
	}
}
