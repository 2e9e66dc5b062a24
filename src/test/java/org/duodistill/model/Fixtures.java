package org.duodistill.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The PyTorch reference fixtures of src/test/resources/fixtures/{resnet,vit,convnext} (see their READMEs). */
public final class Fixtures {
	private Fixtures() {}

	public static Path resnet(String name) {
		return path("resnet", name);
	}

	/** A fixture of one family's folder (resnet, vit, convnext). */
	public static Path path(String family, String name) {
		try {
			return Path.of(Fixtures.class.getResource("/fixtures/" + family + "/" + name).toURI());
		} catch (Exception e) {
			throw new IllegalStateException("fixture " + family + "/" + name + " missing", e);
		}
	}

	public static Map<String, HostTensor> read(String family, String name) throws IOException {
		return SafeTensors.read(path(family, name));
	}

	public static Map<String, HostTensor> read(String name) throws IOException {
		return SafeTensors.read(resnet(name));
	}

	public static void assertClose(float[] expected, float[] actual, double atol, double rtol, String what) {
		org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, what + ": length");
		for (int i = 0; i < expected.length; i++) {
			double tol = atol + rtol * Math.abs(expected[i]);
			if (Math.abs(expected[i] - actual[i]) > tol) {
				org.junit.jupiter.api.Assertions.fail(what + "[" + i + "]: expected " + expected[i] + " got " + actual[i]);
			}
		}
	}
}
