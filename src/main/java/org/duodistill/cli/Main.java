package org.duodistill.cli;

import org.duodistill.data.DatasetException;
import org.duodistill.model.Engines;
import org.duodistill.model.TensorFileException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;

/**
 * Command line: {@code demo}, {@code train}, {@code evaluate}, {@code classify}, {@code explain}, {@code study},
 * {@code export}, {@code teachers}. Exit code 0 on
 * success, 1 when the work failed, 2 for wrong usage; failures print one line on stderr.
 */
public final class Main {
	static final String USAGE = String.join("\n",
			"usage: duodistill <command> [options]",
			"  demo     [--data DIR] [--epochs N] [--size N] [--threads N] [--methods a,b,...]",
			"  train    --data DIR|CSV --output MODEL_DIR [--teacher auto|FILE|MODEL_DIR|hf-hub:ORG/NAME[@REV]]",
			"           [--method dual-skd|single-ws|ws-ema|random|kd|teacher] [--teacher-arch A]",
			"           [--student-arch A] [--size N] [--epochs N] [--batch N] [--lr X] [--seed N]",
			"           [--train-fraction F] [--device auto|cpu|gpu] [--threads N] [--hflip] [--overwrite]",
			"           [--plane axial|coronal|sagittal | --slice-axis x|y|z] [--slice-step K] [--central-slices N] [--skip-empty F]",
			"           [--deploy-best-of-a-b] [--mutual]",
			"           [--ema M | --ema-half-life F] [--aux-bn recalibrate|ema] [--head-probe] [--divergence-retries N]",
			"           [--checkpoint-every N] [--teacher-channels sum|replicate] [--calibrate temperature|none]",
			"           |    train --resume OUTPUT_DIR   (continue a killed run)",
			"  evaluate --model MODEL_DIR --data DIR|CSV [--output metrics.csv] [--overwrite] [--device D] [--threads N]",
			"           [--plane P | --slice-axis A]   (volumes: the model's plane unless given)",
			"           (--output also writes the reliability diagram beside it: metrics-reliability.png)",
			"  classify --model MODEL_DIR --input FILE|DIR [--output predictions.csv] [--device D] [--threads N]",
			"           [--plane axial|coronal|sagittal | --slice-axis x|y|z]   (volumes: the model's plane unless given)",
			"  explain  --model MODEL_DIR --input FILE|DIR --output DIR [--class C] [--method " + org.duodistill.infer.ExplanationMethod.names() + "]",
			"           [--overlay] [--overwrite] [--device D] [--threads N] [--plane P | --slice-axis A]",
			"           (maps of the pixels that decided each class)",
			"  export   --model MODEL_DIR --output FILE.safetensors [--overwrite]   (timm-named weights for PyTorch)",
			"  study    --data DIR|CSV --output DIR [--name NAME] [--methods m[+key=value...],...] [--fractions 0.1,0.25,0.5,1]",
			"           [--seeds 1,2,3] [--teacher auto|FILE|MODEL_DIR|hf-hub:ORG/NAME] [--teacher-epochs N] [--size N] [--epochs N]",
			"           [--calibrate temperature|none] [--plane P | --slice-axis A] [--report-only]",
			"  teachers                            (the recommended pretrained teachers, cached or not)");

	private Main() {}

	public static void main(String[] args) {
		if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
		int code = run(args, System.out, System.err);
		System.out.flush();
		System.exit(code);
	}

	/** Runs one command; never calls System.exit, so tests can call it. */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
			(args.length == 0 ? err : out).println(USAGE);
			return args.length == 0 ? 2 : 0;
		}
		// Libraries print on System.out (ImageJ reports a truncated PNG there in headless mode); stdout
		// carries CSV, so while a command runs anything printed that way goes to stderr instead.
		PrintStream systemOut = System.out;
		System.setOut(err);
		try {
			switch (args[0]) {
				case "train": return TrainCommand.run(args, out, err);
				case "evaluate": return EvaluateCommand.run(args, out, err);
				case "classify": return ClassifyCommand.run(args, out, err);
				case "demo": return DemoCommand.run(args, out, err);
				case "study": return StudyCommand.run(args, out, err);
				case "export": return ExportCommand.run(args, out, err);
				case "teachers": return TeachersCommand.run(args, out, err);
				case "explain": return ExplainCommand.run(args, out, err);
				default: throw new UsageException("unknown command '" + args[0] + "'");
			}
		} catch (UsageException e) {
			err.println("duodistill: " + e.getMessage());
			err.println(USAGE);
			return 2;
		} catch (DatasetException | TensorFileException | org.duodistill.hub.HubException | FileAlreadyExistsException | IllegalArgumentException
				| org.duodistill.train.TrainingDiverged | TrainCommand.OutOfMemory e) {
			err.println("duodistill: error: " + oneLine(e.getMessage()));
			return 1;
		} catch (IOException e) {
			err.println("duodistill: error: " + oneLine(e.toString()));
			return 1;
		} catch (java.io.UncheckedIOException e) {
			err.println("duodistill: error: " + oneLine(e.getMessage() + " (" + e.getCause().getMessage() + ")"));
			return 1;
		} catch (RuntimeException | OutOfMemoryError e) {
			err.println("duodistill: internal error: " + oneLine(e.toString()));
			return 1;
		} finally {
			System.setOut(systemOut);
		}
	}

	static String oneLine(String s) {
		return s == null ? "(no message)" : s.replace('\n', ' ').replace('\r', ' ');
	}

	/** Thread count must reach libtorch before the engine first loads. */
	static void configureEngine(Args a) throws UsageException {
		int threads = a.integer("threads", 0);
		if (threads < 0) throw new UsageException("--threads must be >= 0");
		Engines.configure(threads);
	}
}
