package org.duodistill.select;

import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelSpec;
import org.duodistill.model.WeightInit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weight selection (Xu et al., ICLR 2024): initialises a smaller student from a larger teacher of
 * the same family.
 * <ul>
 * <li>Layer selection is first-N: student block {@code layerS.i} (ResNet), {@code blocks.i} (ViT) or
 * {@code stages.s.blocks.i} (ConvNeXt) takes the teacher's block of the same name, so with timm names
 * component mapping is by identical name.</li>
 * <li>ViT: the fused qkv rows are selected per q, k and v block with the embedding index set; the
 * token axis of {@code pos_embed} is kept (resampled first when the patch grids differ).</li>
 * <li>Element selection picks, per axis, the selector's index set for (teacher length, student
 * length); convolution kernel axes are copied whole or centre-cropped.</li>
 * <li>BatchNorm statistics are selected like weights; the head is freshly initialised; nothing is rescaled.</li>
 * </ul>
 */
public final class WeightSelection {
	private WeightSelection() {}

	public static LinkedHashMap<String, HostTensor> select(ModelSpec teacherSpec, Map<String, HostTensor> teacher,
			ModelSpec studentSpec, ElementSelector selector, long headSeed) {
		String why = studentSpec.incompatibilityWith(teacherSpec);
		if (why != null) throw new IllegalArgumentException("weight selection impossible: " + why);
		// e.g. ViT position embeddings resampled to the student's patch grid first
		Map<String, HostTensor> aligned = studentSpec.adaptWeights(teacherSpec, teacher);
		LinkedHashMap<String, HostTensor> student = new LinkedHashMap<>();
		for (Map.Entry<String, long[]> e : studentSpec.tensorShapes().entrySet()) {
			String name = e.getKey();
			if (studentSpec.isHead(name)) continue;
			HostTensor t = aligned.get(name);
			if (t == null) {
				throw new IllegalArgumentException("weight selection: teacher has no tensor '" + name + "' for the student");
			}
			student.put(name, selectTensor(name, t, e.getValue(), selector, studentSpec.fusedBlocks(name)));
		}
		WeightInit.freshHead(studentSpec, student, headSeed);
		// Keep the spec's canonical order (the head was appended last by freshHead anyway).
		LinkedHashMap<String, HostTensor> ordered = new LinkedHashMap<>();
		for (String name : studentSpec.tensorShapes().keySet()) ordered.put(name, student.get(name));
		return ordered;
	}

	static HostTensor selectTensor(String name, HostTensor teacher, long[] studentShape, ElementSelector selector) {
		return selectTensor(name, teacher, studentShape, selector, 1);
	}

	/**
	 * @param fused how many equal blocks axis 0 fuses (ViT qkv: 3); each block is selected with the
	 *        same index set, so q, k and v keep the embedding channels the rest of the network keeps
	 */
	static HostTensor selectTensor(String name, HostTensor teacher, long[] studentShape, ElementSelector selector, int fused) {
		long[] ts = teacher.shape();
		if (ts.length != studentShape.length) {
			throw new IllegalArgumentException("weight selection: '" + name + "' has rank " + ts.length + " in the teacher but "
					+ studentShape.length + " in the student");
		}
		List<int[]> axes = new ArrayList<>();
		for (int a = 0; a < ts.length; a++) {
			int tn = Math.toIntExact(ts[a]);
			int sn = Math.toIntExact(studentShape[a]);
			if (sn > tn) {
				throw new IllegalArgumentException("weight selection: '" + name + "' axis " + a + " is larger in the student ("
						+ sn + " > " + tn + ")");
			}
			boolean kernelAxis = ts.length == 4 && a >= 2;
			if (sn == tn) {
				axes.add(range(0, sn));
			} else if (kernelAxis) {
				axes.add(range((tn - sn) / 2, sn));
			} else if (a == 0 && fused > 1) {
				if (tn % fused != 0 || sn % fused != 0) {
					throw new IllegalArgumentException("weight selection: '" + name + "' axis 0 (" + tn + " -> " + sn + ") is not " + fused + " fused blocks");
				}
				int[] within = selector.indices(tn / fused, sn / fused);
				int[] all = new int[sn];
				for (int b = 0; b < fused; b++) {
					for (int i = 0; i < within.length; i++) all[b * within.length + i] = b * (tn / fused) + within[i];
				}
				axes.add(all);
			} else {
				axes.add(selector.indices(tn, sn));
			}
		}
		return gather(teacher, axes, studentShape);
	}

	private static int[] range(int start, int n) {
		int[] r = new int[n];
		for (int i = 0; i < n; i++) r[i] = start + i;
		return r;
	}

	/** Copies teacher[idx0[i0], idx1[i1], ...] into a new tensor of the student's shape. */
	static HostTensor gather(HostTensor teacher, List<int[]> axes, long[] studentShape) {
		long[] ts = teacher.shape();
		int rank = ts.length;
		long[] strides = new long[rank];
		long s = 1;
		for (int a = rank - 1; a >= 0; a--) {
			strides[a] = s;
			s *= ts[a];
		}
		HostTensor out = HostTensor.zeros(studentShape);
		float[] src = teacher.data();
		float[] dst = out.data();
		if (rank == 0) {
			dst[0] = src[0];
			return out;
		}
		int[] pos = new int[rank];
		for (int i = 0; i < dst.length; i++) {
			long off = 0;
			for (int a = 0; a < rank; a++) off += axes.get(a)[pos[a]] * strides[a];
			dst[i] = src[(int) off];
			for (int a = rank - 1; a >= 0; a--) {
				if (++pos[a] < studentShape[a]) break;
				pos[a] = 0;
			}
		}
		return out;
	}
}
