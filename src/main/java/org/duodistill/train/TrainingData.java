package org.duodistill.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.duodistill.data.Augmentation;
import org.duodistill.data.Preprocessing;
import org.duodistill.data.Sample;

import java.util.List;

/** What every training stage shares: the splits, preprocessing, device and the run's listener. */
public record TrainingData(List<Sample> train, List<Sample> val, int numClasses, Preprocessing preprocessing,
		Augmentation augmentation, Device device, NDManager manager, TrainingListener listener) {

	/** Without validation data, checkpoints are chosen on the (un-augmented) training split. */
	public List<Sample> selectionSet() {
		return val.isEmpty() ? train : val;
	}
}
