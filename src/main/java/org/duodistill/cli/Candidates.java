package org.duodistill.cli;

import org.duodistill.infer.ExplanationMethod;
import org.duodistill.train.Method;
import org.duodistill.train.TrainingOptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/** The words an option takes, for the completion script (the parser itself checks them in the command, with its own message). */
final class Candidates {
	private Candidates() {}

	static final class Methods implements Iterable<String> {
		@Override
		public Iterator<String> iterator() {
			return Arrays.stream(Method.values()).map(Method::id).iterator();
		}
	}

	static final class Devices implements Iterable<String> {
		@Override
		public Iterator<String> iterator() {
			return List.of("auto", "cpu", "gpu").iterator();
		}
	}

	static final class Axes implements Iterable<String> {
		@Override
		public Iterator<String> iterator() {
			return List.of("x", "y", "z").iterator();
		}
	}

	static final class Planes implements Iterable<String> {
		@Override
		public Iterator<String> iterator() {
			return Arrays.stream(org.duodistill.data.AnatomicalPlane.values()).map(p -> p.id).iterator();
		}
	}

	static final class Calibrations implements Iterable<String> {
		@Override
		public Iterator<String> iterator() {
			return List.of("temperature", "none").iterator();
		}
	}

	static final class AuxiliaryNorms implements Iterable<String> {
		@Override
		public Iterator<String> iterator() {
			return Arrays.stream(TrainingOptions.AuxiliaryNorm.values()).map(TrainingOptions.AuxiliaryNorm::id).iterator();
		}
	}

	static final class TeacherChannels implements Iterable<String> {
		@Override
		public Iterator<String> iterator() {
			return Arrays.stream(TrainingOptions.TeacherChannels.values()).map(TrainingOptions.TeacherChannels::id).iterator();
		}
	}

	static final class ExplanationMethods implements Iterable<String> {
		@Override
		public Iterator<String> iterator() {
			List<String> l = new ArrayList<>();
			for (ExplanationMethod m : ExplanationMethod.values()) l.add(m.cliName());
			return l.iterator();
		}
	}
}
