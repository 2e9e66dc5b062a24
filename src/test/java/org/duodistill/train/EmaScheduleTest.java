package org.duodistill.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmaScheduleTest {
	/** B's remaining share of its start after k steps is m^k; the half-life rule puts 1/2 at fraction*steps. */
	@Test
	void halfLifeRuleHalvesBsInitialShareEveryFractionOfTheStage() {
		EmaSchedule s = EmaSchedule.halfLife(0.1);
		for (long steps : new long[] {20, 168, 1000, 100_000}) {
			double m = s.momentum(steps);
			assertEquals(0.5, Math.pow(m, 0.1 * steps), 1e-9, "steps " + steps);
			assertEquals(Math.pow(0.5, 10), Math.pow(m, steps), 1e-9, "after the whole stage 2^-10 of the start is left");
		}
		assertTrue(s.momentum(168) < s.momentum(1000), "longer stages average over more steps");
		// The first version's fixed 0.996 left half of B's start after 168 steps: the failure this rule fixes.
		assertEquals(0.51, Math.pow(0.996, 168), 0.01);
	}

	@Test
	void aHalfLifeShorterThanOneStepStillAveragesAndFixedMomentumIsKept() {
		assertEquals(0.5, EmaSchedule.halfLife(0.1).momentum(3), 1e-12, "half-life floored at one step");
		assertEquals(0.996, EmaSchedule.fixed(0.996).momentum(168), 0);
		assertEquals(0.996, EmaSchedule.fixed(0.996).momentum(1), 0);
	}

	@Test
	void modelJsonRecordsTheRuleAndTheMomentumItGave() {
		var j = EmaSchedule.halfLife(0.1).toJson(200);
		assertEquals("half-life", j.get("rule").getAsString());
		assertEquals(0.1, j.get("half_life_fraction").getAsDouble(), 0);
		assertEquals(200, j.get("skd_steps").getAsLong());
		assertEquals(Math.pow(0.5, 1 / 20.0), j.get("momentum").getAsDouble(), 1e-12);
		assertEquals("fixed", EmaSchedule.fixed(0.99).toJson(0).get("rule").getAsString());
	}

	@Test
	void outOfRangeValuesAreRefused() {
		assertThrows(IllegalArgumentException.class, () -> EmaSchedule.fixed(1.5));
		assertThrows(IllegalArgumentException.class, () -> EmaSchedule.halfLife(0));
		assertThrows(IllegalArgumentException.class, () -> EmaSchedule.halfLife(2));
	}
}
