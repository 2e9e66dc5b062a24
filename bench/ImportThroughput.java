import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;
import org.duodistill.data.Dataset;
import org.duodistill.data.DatasetLoader;
import org.duodistill.data.ImageReaders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Import throughput: images per second for PNG, 16-bit TIFF and DICOM through DuoDistill's dataset
 * loader (decode, resize to 64x64, robust scaling, cache) next to ImageJ's bare Opener (decode only),
 * in one run so the ratio is meaningful on a noisy machine. Run with bench/import-throughput.sh.
 */
public class ImportThroughput {
	public static void main(String[] args) throws Exception {
		int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
		Path dicom = args.length > 1 ? Path.of(args[1]) : null;
		Path root = Files.createTempDirectory("dd-bench");
		Random rng = new Random(1);
		make(root.resolve("png"), n, i -> {
			ByteProcessor ip = new ByteProcessor(512, 512);
			for (int p = 0; p < 512 * 512; p++) ip.set(p, rng.nextInt(256));
			Path f = root.resolve("png/a/img" + i + ".png");
			new FileSaver(new ImagePlus("x", ip)).saveAsPng(f.toString());
		});
		make(root.resolve("tif16"), n, i -> {
			ShortProcessor ip = new ShortProcessor(512, 512);
			for (int p = 0; p < 512 * 512; p++) ip.set(p, rng.nextInt(4096));
			Path f = root.resolve("tif16/a/img" + i + ".tif");
			new FileSaver(new ImagePlus("x", ip)).saveAsTiff(f.toString());
		});
		if (dicom != null) {
			make(root.resolve("dicom"), n, i -> Files.copy(dicom, root.resolve("dicom/a/img" + i + ".dcm")));
		}
		System.out.printf(Locale.ROOT, "%-8s %8s %14s %14s %8s%n", "format", "images", "loader img/s", "ImageJ img/s", "ratio");
		for (String kind : dicom != null ? new String[] {"png", "tif16", "dicom"} : new String[] {"png", "tif16"}) {
			Path dir = root.resolve(kind);
			// warm-up, then measure
			new DatasetLoader(ImageReaders.standard(), 64, null).load(dir, false);
			long t0 = System.nanoTime();
			Dataset ds = new DatasetLoader(ImageReaders.standard(), 64, null).load(dir, false);
			double loader = ds.samples().size() / ((System.nanoTime() - t0) / 1e9);
			long t1 = System.nanoTime();
			int opened = 0;
			try (var s = Files.list(dir.resolve("a"))) {
				for (Path f : s.toList()) if (new Opener().openImage(f.toString()) != null) opened++;
			}
			double ij = opened / ((System.nanoTime() - t1) / 1e9);
			System.out.printf(Locale.ROOT, "%-8s %8d %14.1f %14.1f %8.2f%n", kind, ds.samples().size(), loader, ij, loader / ij);
		}
	}

	interface Maker {
		void make(int i) throws Exception;
	}

	static void make(Path dir, int n, Maker m) throws Exception {
		Files.createDirectories(dir.resolve("a"));
		for (int i = 0; i < n; i++) m.make(i);
	}
}
