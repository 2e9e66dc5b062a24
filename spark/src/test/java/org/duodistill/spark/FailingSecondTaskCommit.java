package org.duodistill.spark;

import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.spark.internal.io.FileCommitProtocol;
import org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol;

/**
 * Spark's own commit protocol, failing the commit of the write's second task: a job that dies
 * halfway through writing, after another task has committed its part, deterministically.
 */
public class FailingSecondTaskCommit extends SQLHadoopMapReduceCommitProtocol {
	private static final long serialVersionUID = 1L;
	static final String MESSAGE = "injected failure while committing task 1";

	public FailingSecondTaskCommit(String jobId, String path, boolean dynamicPartitionOverwrite) {
		super(jobId, path, dynamicPartitionOverwrite);
	}

	@Override
	public FileCommitProtocol.TaskCommitMessage commitTask(TaskAttemptContext context) {
		if (context.getTaskAttemptID().getTaskID().getId() == 1) throw new IllegalStateException(MESSAGE);
		return super.commitTask(context);
	}
}
