package org.duodistill.fiji;

import ij.measure.ResultsTable;
import org.duodistill.hub.HubSettings;
import org.duodistill.train.TeacherCatalogue;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > DuoDistill > Pretrained Teachers: {@link TeacherCatalogue}'s teachers, the student each
 * initialises, their sizes, download, whether the Hugging Face cache has them, what they were trained
 * on and their licence; the same as {@code duodistill teachers}. Asks no network.
 */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Pretrained Teachers", headless = true)
public class PretrainedTeachersCommand extends ContextCommand {
	public static final String TITLE = "DuoDistill Teachers";

	@Parameter(required = false)
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable teachers;

	@Parameter(type = ItemIO.OUTPUT)
	private String summary;

	@Override
	public void run() {
		HubSettings settings = HubSettings.fromEnvironment();
		teachers = table(settings);
		ResultTables.present(teachers, TITLE);
		summary = "Hugging Face cache: " + settings.cacheDir() + (settings.offline() ? " (HF_HUB_OFFLINE: cache only)" : "") + "; endpoint "
				+ settings.endpoint() + ". Choose a teacher in Train Classifier (teacher=hf-hub:...), its student with 'paired with the"
				+ " teacher'. Parameters in millions: the teacher with its own head, the student with a 2-class head.";
		if (log != null) log.info("DuoDistill: " + summary);
	}

	/** One row per catalogue entry: teacher, student, teacher_params_m, student_params_m, download_mb, cached, trained_on, licence. */
	static ResultsTable table(HubSettings settings) {
		ResultsTable rt = ResultTables.newTable();
		for (TeacherCatalogue.Entry e : TeacherCatalogue.ENTRIES) {
			rt.addRow();
			rt.addValue("teacher", e.reference());
			rt.addValue("student", e.student());
			rt.addValue("teacher_params_m", e.teacherSpec().parameterCount() / 1e6);
			rt.addValue("student_params_m", e.studentSpec().parameterCount() / 1e6);
			rt.addValue("download_mb", Math.round(e.downloadBytes() / 1e6));
			rt.addValue("cached", TeacherCatalogue.cached(e, settings) ? "yes" : "no");
			rt.addValue("trained_on", e.trainedOn());
			rt.addValue("licence", e.licence());
		}
		rt.setDecimalPlaces(rt.getColumnIndex("teacher_params_m"), 1);
		rt.setDecimalPlaces(rt.getColumnIndex("student_params_m"), 1);
		rt.setDecimalPlaces(rt.getColumnIndex("download_mb"), 0);
		rt.showRowNumbers(false);
		return rt;
	}
}
