package org.duodistill.fiji;

import ij.measure.ResultsTable;
import org.duodistill.data.Dataset;
import org.duodistill.data.DatasetException;
import org.duodistill.data.DatasetLoader;
import org.duodistill.data.ImageReaders;
import org.duodistill.data.ImportRecord;
import org.duodistill.data.SlicePolicy;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;

/**
 * Plugins > DuoDistill > Inspect Dataset...: reads a data folder or CSV the way training would
 * and lists every file (used or skipped, why, format, dimensions, bit depth, samples taken),
 * with totals per class, before anyone spends time training.
 */
@Plugin(type = Command.class, menuPath = "Plugins>DuoDistill>Inspect Dataset...", headless = true)
public class InspectDatasetCommand extends SlicingCommand {
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
			SlicePolicy slices = slicePolicy();
			ds = new DatasetLoader(ImageReaders.standard(), size, null).withSlicePolicy(slices).load(data.toPath(), false);
		} catch (DatasetException | IllegalArgumentException e) {
			cancel(e.getMessage());
			return;
		}
		dataset = ResultTables.newTable();
		for (ImportRecord r : ds.report()) {
			dataset.addRow();
			dataset.addValue("file", r.file().toString());
			dataset.addValue("class", r.label() == null ? "" : r.label());
			dataset.addValue("split", r.split() == null ? "" : r.split().label());
			dataset.addValue("status", r.status());
			dataset.addValue("reason", r.reason());
			dataset.addValue("reader", r.reader());
			dataset.addValue("format", r.format());
			dataset.addValue("width", r.width());
			dataset.addValue("height", r.height());
			dataset.addValue("depth", r.depth());
			dataset.addValue("bit_depth", r.bitDepth());
			dataset.addValue("samples", r.samples());
		}
		dataset.showRowNumbers(false);
		summary = ds.classes().size() + " classes; " + ds.summary();
		if (log != null) log.info("DuoDistill: " + data + ": " + summary);
		ResultTables.present(dataset, ResultTables.DATASET);
	}
}
