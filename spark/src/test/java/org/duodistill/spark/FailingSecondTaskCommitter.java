package org.duodistill.spark;

import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitterFactory;

import java.io.IOException;

/**
 * Hadoop's file output committer, failing the commit of the second task (Hadoop's plug-in point
 * {@code mapreduce.outputcommitter.factory.class}): the CSV write dying halfway, deterministically.
 */
public class FailingSecondTaskCommitter extends PathOutputCommitterFactory {
	static final String MESSAGE = "injected failure while committing task 1 of the CSV";

	@Override
	public PathOutputCommitter createOutputCommitter(Path outputPath, TaskAttemptContext context) throws IOException {
		return new FileOutputCommitter(outputPath, context) {
			@Override
			public void commitTask(TaskAttemptContext task) throws IOException {
				if (task.getTaskAttemptID().getTaskID().getId() == 1) throw new IOException(MESSAGE);
				super.commitTask(task);
			}
		};
	}
}
