package org.duodistill.infer;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a map of "which pixels moved the class score" is computed. All four differentiate the class
 * logit with respect to the input pixels, so they work the same for ResNet, ViT and ConvNeXt and
 * resolve single pixels (Grad-CAM on a ResNet's last stage is 2x2 at 64 px). Which one is the
 * default was chosen by measurement (docs/explanations.md): it localises and passes the
 * randomisation check.
 */
public enum ExplanationMethod {
	/** |d logit / d pixel| (Simonyan et al. 2014). */
	GRADIENT("gradient"),
	/** Mean |gradient| over noisy copies of the image (Smilkov et al. 2017). */
	SMOOTHGRAD("smoothgrad"),
	/** |pixel x gradient| (Shrikumar et al. 2016). */
	GRAD_X_INPUT("grad-x-input"),
	/** |(pixel - black) x mean gradient along the path from black| (Sundararajan et al. 2017). */
	INTEGRATED_GRADIENTS("integrated-gradients"),
	/** Drop of the class logit when a patch is replaced by the training mean (Zeiler and Fergus 2014). */
	OCCLUSION("occlusion");

	public static final ExplanationMethod DEFAULT = OCCLUSION;

	private final String cliName;

	ExplanationMethod(String cliName) {
		this.cliName = cliName;
	}

	public String cliName() {
		return cliName;
	}

	public static String names() {
		return Arrays.stream(values()).map(ExplanationMethod::cliName).collect(Collectors.joining("|"));
	}

	public static ExplanationMethod parse(String s) {
		for (ExplanationMethod m : values()) if (m.cliName.equalsIgnoreCase(s) || m.name().equalsIgnoreCase(s)) return m;
		throw new IllegalArgumentException("unknown explanation method '" + s + "' (choose " + names() + ")");
	}
}
