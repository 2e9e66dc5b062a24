package org.duodistill.fiji;

import ij.measure.ResultsTable;
import org.duodistill.data.Dataset;
import org.duodistill.data.DatasetException;
import org.duodistill.data.DatasetLoader;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.Sample;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plugins > DuoDistill > Inspect Dataset...: reads a data folder or CSV the way training would
 * and lists every file (used or skipped, why, how many samples), with totals per class, before
 * anyone spends time training.
 */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Inspect Dataset...", headless = true)
public class InspectDatasetCommand extends ContextCommand {
	@Parameter(label = "Labelled images (folder or CSV)", style = FileWidget.FILE_AND_DIRECTORY_STYLE)
	private File data;

	@Parameter(label = "Input size used when reading (pixels)", min = "8", max = "1024")
	private int size = 64;

	@Parameter
	private LogService log;

	@Parameter(type = ItemIO.OUTPUT)
	private ResultsTable dataset;

	@Parameter(type = ItemIO.OUTPUT)
	private String summary;

	@Override
	public void run() {
		Dataset ds;
		try {
			ds = new DatasetLoader(ImageReaders.standard(), size, null).load(data.toPath(), false);
		} catch (DatasetException | IllegalArgumentException e) {
			cancel(e.getMessage());
			return;
		}
		dataset = new ResultsTable();
		Map<Path, int[]> perFile = new LinkedHashMap<>();
		Map<Path, Sample> first = new LinkedHashMap<>();
		for (Sample s : ds.samples()) {
			perFile.computeIfAbsent(s.file(), k -> new int[1])[0]++;
			first.putIfAbsent(s.file(), s);
		}
		for (Map.Entry<Path, int[]> e : perFile.entrySet()) {
			Sample s = first.get(e.getKey());
			dataset.addRow();
			dataset.addValue("file", e.getKey().toString());
			dataset.addValue("class", ds.classes().get(s.label()));
			dataset.addValue("split", s.split().label());
			dataset.addValue("status", "used");
			dataset.addValue("reason", "");
			dataset.addValue("samples", e.getValue()[0]);
			dataset.addValue("channels", s.channels());
		}
		ResultTables.addSkipped(dataset, ds.skipped());
		dataset.showRowNumbers(false);
		int[] counts = ds.countsPerClass(ds.samples());
		StringBuilder b = new StringBuilder();
		b.append(ds.classes().size()).append(" classes, ").append(perFile.size()).append(" usable files (").append(ds.samples().size())
				.append(" samples), ").append(ds.skipped().size()).append(" skipped");
		for (int c = 0; c < counts.length; c++) b.append("; ").append(ds.classes().get(c)).append(": ").append(counts[c]);
		summary = b.toString();
		if (log != null) log.info("DuoDistill: " + data + ": " + summary);
		ResultTables.present(dataset, ResultTables.DATASET);
	}
}
