package org.duodistill.cli;

import com.google.gson.JsonObject;
import org.duodistill.model.Engines;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: DuoDistill's, DJL's, libtorch's and Java's versions and whether libtorch sees a
 * GPU, the facts a bug report needs. Loads the engine (a second or so), which nothing else in help does.
 */
public final class Versions implements IVersionProvider {
	@Override
	public String[] getVersion() {
		Engines.configure(0);
		JsonObject v = Engines.versions();
		int gpus = Engines.engine().getGpuCount();
		return new String[] {
				"DuoDistill " + v.get("duodistill").getAsString(),
				"DJL " + v.get("djl").getAsString() + ", PyTorch engine (libtorch " + v.get("pytorch").getAsString() + ")",
				"Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("os.name") + " "
						+ System.getProperty("os.arch") + ")",
				gpus > 0 ? "GPU: " + gpus + " visible to libtorch (--device auto uses it)" : "GPU: none visible to libtorch (CPU only; --device auto uses the CPU)",
				"CPU: " + v.get("cpu").getAsString() + (v.has("cpu_workaround") ? " (" + v.get("cpu_workaround").getAsString() + ")" : "")};
	}
}
