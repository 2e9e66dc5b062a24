package org.duodistill.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A model's tensors on the engine's device, keyed by timm name. Owns its own NDManager, so closing
 * it frees every tensor; updates (optimizer, EMA) happen in place so the tensors never move.
 */
public final class DeviceWeights implements AutoCloseable {
	private final ModelSpec spec;
	private final NDManager manager;
	private final LinkedHashMap<String, NDArray> tensors = new LinkedHashMap<>();
	/** Inference-only tensors computed from the model's (e.g. folded convolutions); never trained or saved. */
	private final LinkedHashMap<String, NDArray> derived = new LinkedHashMap<>();

	private DeviceWeights(ModelSpec spec, NDManager manager) {
		this.spec = spec;
		this.manager = manager;
	}

	/** Copies host tensors to the device; the map must match the spec exactly. */
	public static DeviceWeights upload(ModelSpec spec, Map<String, HostTensor> host, NDManager parent, Device device) {
		NDManager m = parent.newSubManager(device);
		DeviceWeights w = new DeviceWeights(spec, m);
		for (Map.Entry<String, long[]> e : spec.tensorShapes().entrySet()) {
			HostTensor t = host.get(e.getKey());
			if (t == null || !t.sameShape(e.getValue())) {
				w.close();
				throw new IllegalArgumentException("tensor " + e.getKey() + " is missing or mis-shaped");
			}
			NDArray a = m.create(t.data(), new Shape(e.getValue()));
			a.setName(e.getKey());
			w.tensors.put(e.getKey(), a);
		}
		return w;
	}

	public ModelSpec spec() {
		return spec;
	}

	public NDManager manager() {
		return manager;
	}

	/**
	 * As {@link #upload}, plus what inference alone can use: ResNet convolutions with their
	 * BatchNorm folded in ({@link BatchNormFolding}), used by the network in eval mode.
	 */
	public static DeviceWeights uploadForInference(ModelSpec spec, Map<String, HostTensor> host, NDManager parent, Device device) {
		DeviceWeights w = upload(spec, host, parent, device);
		for (Map.Entry<String, HostTensor> e : BatchNormFolding.fold(spec, host).entrySet()) {
			NDArray a = w.manager.create(e.getValue().data(), new Shape(e.getValue().shape()));
			a.setName(e.getKey());
			w.derived.put(e.getKey(), a);
		}
		return w;
	}

	/** True for a model tensor or an inference-only derived one. */
	public boolean has(String name) {
		return tensors.containsKey(name) || derived.containsKey(name);
	}

	public NDArray get(String name) {
		NDArray a = tensors.get(name);
		if (a == null) a = derived.get(name);
		if (a == null) throw new IllegalArgumentException("no tensor " + name + " in " + spec.name());
		return a;
	}

	public Set<String> names() {
		return Collections.unmodifiableSet(tensors.keySet());
	}

	public Map<String, NDArray> tensors() {
		return Collections.unmodifiableMap(tensors);
	}

	/** Marks every learnable tensor as needing a gradient (statistics never do). */
	public void requireGradients(boolean on) {
		for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
			if (!spec.isStatistic(e.getKey())) e.getValue().setRequiresGradient(on);
		}
	}

	public LinkedHashMap<String, HostTensor> download() {
		LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
		for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
			NDArray a = e.getValue();
			float[] data = a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : a.toType(DataType.FLOAT32, false).toFloatArray();
			out.put(e.getKey(), new HostTensor(a.getShape().getShape(), data));
		}
		return out;
	}

	@Override
	public void close() {
		manager.close();
	}
}
