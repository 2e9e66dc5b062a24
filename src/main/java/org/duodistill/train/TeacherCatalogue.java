package org.duodistill.train;

import org.duodistill.hub.HubClient;
import org.duodistill.hub.HubRepoId;
import org.duodistill.hub.HubSettings;
import org.duodistill.model.Architectures;
import org.duodistill.model.HostTensor;
import org.duodistill.model.ModelSpec;

import java.util.List;

/**
 * The recommended pretrained teachers and the student each one initialises: weight selection's own
 * reference pairs (Xu et al., ICLR 2024: ImageNet-21k ViT-S and ConvNeXt-T from timm) and ResNet pairs
 * of one block type. Any other timm-named repo on the Hub works the same way; these are the ones we name.
 */
public final class TeacherCatalogue {
	/**
	 * @param repo the Hub repo id, used as {@code --teacher hf-hub:REPO}
	 * @param architecture timm's architecture of the teacher (its config.json says the same)
	 * @param classes the classes of the teacher's own head (replaced for the user's task)
	 * @param student the student architecture to pass as {@code --student-arch}
	 */
	public record Entry(String repo, String architecture, int classes, String student, String trainedOn, String licence) {
		public String reference() {
			return "hf-hub:" + repo;
		}

		public ModelSpec teacherSpec() {
			return Architectures.parse(architecture, 3, classes);
		}

		/** The student with a 2-class head: what the table shows (the head is the only part that depends on the task). */
		public ModelSpec studentSpec() {
			return Architectures.parse(student, 3, 2);
		}

		/** About what {@code model.safetensors} weighs: every tensor in float32, statistics included. */
		public long downloadBytes() {
			long n = 0;
			for (long[] shape : teacherSpec().tensorShapes().values()) n += HostTensor.numel(shape);
			return 4 * n;
		}
	}

	public static final List<Entry> ENTRIES = List.of(
			new Entry("timm/vit_small_patch16_224.augreg_in21k", "vit_small_patch16_224", 21843, "vit_tiny_patch16_224",
					"ImageNet-21k (14M images, 21,843 classes)", "Apache-2.0"),
			new Entry("timm/vit_small_patch16_224.augreg_in21k_ft_in1k", "vit_small_patch16_224", 1000, "vit_tiny_patch16_224",
					"ImageNet-21k, fine-tuned on ImageNet-1k", "Apache-2.0"),
			new Entry("timm/convnext_tiny.fb_in22k", "convnext_tiny", 21841, "convnext_femto", "ImageNet-22k (14M images, 21,841 classes)",
					"Apache-2.0"),
			new Entry("timm/convnext_tiny.fb_in22k_ft_in1k", "convnext_tiny", 1000, "convnext_femto", "ImageNet-22k, fine-tuned on ImageNet-1k",
					"Apache-2.0"),
			new Entry("timm/resnet18.a1_in1k", "resnet18", 1000, "resnet10-w32", "ImageNet-1k (1.3M images, 1,000 classes)", "Apache-2.0"),
			new Entry("timm/resnet50.a1_in1k", "resnet50", 1000, "resnet26-w32", "ImageNet-1k (1.3M images, 1,000 classes)", "Apache-2.0"));

	private TeacherCatalogue() {}

	/** True when the repo's config and weights are already in the Hugging Face cache (no network is asked). */
	public static boolean cached(Entry e, HubSettings settings) {
		return new HubClient(settings).cached(HubRepoId.parse(e.reference()), List.of(TeacherLoader.HUB_CONFIG, TeacherLoader.HUB_WEIGHTS))
				.isPresent();
	}

	/** The student to use when none is named: the catalogue's pair for a catalogue teacher, else the default. */
	public static String defaultStudent(String teacher) {
		Entry e = find(teacher);
		return e == null ? Architectures.DEFAULT_STUDENT : e.student();
	}

	/** The catalogue entry for a {@code --teacher} value, or null. */
	public static Entry find(String teacher) {
		if (teacher == null || !HubRepoId.isHubReference(teacher)) return null;
		HubRepoId id = HubRepoId.parse(teacher);
		for (Entry e : ENTRIES) if (e.repo().equals(id.repo())) return e;
		return null;
	}
}
