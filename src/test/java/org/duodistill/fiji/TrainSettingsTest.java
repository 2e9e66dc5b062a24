package org.duodistill.fiji;

import org.duodistill.data.AnatomicalPlane;
import org.duodistill.data.SlicePolicy;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run's record (run.json) keeps how volumes are cut, in the command line's form, and reads back the same. */
class TrainSettingsTest {
	static TrainSettings with(SlicePolicy slices) {
		TrainSettings s = new TrainSettings();
		s.data = new File("/data");
		s.output = new File("/out");
		s.slices = slices;
		return s;
	}

	@Test
	void anAnatomicalCutIsRecordedAsAPlaneAndReadBack() {
		TrainSettings s = with(new SlicePolicy(AnatomicalPlane.SAGITTAL, 2, 5, 0.1));
		List<String> a = s.arguments();
		assertEquals("sagittal", a.get(a.indexOf("--plane") + 1));
		assertFalse(a.contains("--slice-axis"), "the command line refuses --plane with --slice-axis: " + a);
		assertEquals(s.slices, TrainSettings.fromArguments(a).slices);
	}

	@Test
	void aStorageAxisCutIsRecordedAsAnAxisAndReadBack() {
		TrainSettings s = with(new SlicePolicy(0, 3, 0, 0));
		List<String> a = s.arguments();
		assertEquals("x", a.get(a.indexOf("--slice-axis") + 1));
		assertFalse(a.contains("--plane"), a.toString());
		SlicePolicy back = TrainSettings.fromArguments(a).slices;
		assertEquals(s.slices, back);
		assertFalse(back.anatomical());
	}

	@Test
	void theDefaultIsTheCommandLinesAxialAndRunsRecordedBeforePlanesKeepTheirStorageAxis() {
		assertEquals(AnatomicalPlane.AXIAL, TrainSettings.fromArguments(List.of("train", "--data", "d", "--output", "o")).slices.plane());
		SlicePolicy old = TrainSettings.fromArguments(List.of("train", "--data", "d", "--output", "o", "--slice-axis", "z", "--slice-step", "2")).slices;
		assertEquals(new SlicePolicy(2, 2, 0, 0), old);
	}

	@Test
	void bothAPlaneAndAnAxisAreRefused() {
		List<String> a = new ArrayList<>(List.of("train", "--data", "d", "--output", "o", "--plane", "axial", "--slice-axis", "z"));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainSettings.fromArguments(a));
		assertTrue(e.getMessage().contains("--plane") && e.getMessage().contains("--slice-axis"), e.getMessage());
	}
}
