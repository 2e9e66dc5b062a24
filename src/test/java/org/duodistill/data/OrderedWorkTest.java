package org.duodistill.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderedWorkTest {
	static final List<Integer> ITEMS = IntStream.range(0, 300).boxed().toList();

	@Test
	void resultsComeInListOrderWithNoMoreThanTheWindowTakenAhead() throws Exception {
		AtomicInteger started = new AtomicInteger();
		AtomicInteger handed = new AtomicInteger();
		AtomicInteger mostAhead = new AtomicInteger();
		List<Integer> got = new ArrayList<>();
		boolean all = OrderedWork.run(ITEMS, 3, 6, i -> {
			mostAhead.accumulateAndGet(started.incrementAndGet() - handed.get(), Math::max);
			// uneven work: later items often finish first
			Thread.sleep(new Random(i).nextInt(3));
			return i * 2;
		}, (index, item, r) -> {
			assertEquals(item * 2, r);
			assertEquals(index, item);
			got.add(r);
			handed.incrementAndGet();
			return true;
		});
		assertTrue(all);
		assertEquals(ITEMS.stream().map(i -> i * 2).toList(), got);
		assertTrue(mostAhead.get() <= 6, "taken ahead of the one handed over: " + mostAhead.get());
		assertTrue(mostAhead.get() >= 2, "several items in flight: " + mostAhead.get());
	}

	@Test
	void aFailureReachesTheCallerAtItsItemsTurnAndTheSinkCanStop() throws Exception {
		List<Integer> got = new ArrayList<>();
		IOException e = assertThrows(IOException.class, () -> OrderedWork.run(ITEMS, 2, 4, i -> {
			if (i == 50) throw new IOException("item 50");
			return i;
		}, (index, item, r) -> got.add(r)));
		assertEquals("item 50", e.getMessage());
		assertEquals(ITEMS.subList(0, 50), got, "every item before the failing one handed over");
		List<Integer> some = new ArrayList<>();
		assertFalse(OrderedWork.run(ITEMS, 2, 4, i -> i, (index, item, r) -> {
			some.add(r);
			return some.size() < 10;
		}));
		assertEquals(ITEMS.subList(0, 10), some);
	}

	@Test
	void aWeightBudgetBoundsWhatIsHeldAndLetsItemsHeavierThanTheBudgetThrough() throws Exception {
		// item i holds 1 plane, every 25th a volume of 40: heavier than the whole budget of 16
		AtomicInteger held = new AtomicInteger();
		AtomicInteger mostHeld = new AtomicInteger();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostRunning = new AtomicInteger();
		List<Integer> got = new ArrayList<>();
		boolean all = OrderedWork.run(ITEMS, 3, 16, (Integer planes) -> planes, i -> {
			mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
			Thread.sleep(new Random(i).nextInt(2));
			int planes = i % 25 == 0 ? 40 : 1;
			mostHeld.accumulateAndGet(held.addAndGet(planes), Math::max);
			running.decrementAndGet();
			return planes;
		}, (index, item, planes) -> {
			got.add(item);
			held.addAndGet(-planes);
			return true;
		});
		assertTrue(all);
		assertEquals(ITEMS, got);
		assertTrue(mostHeld.get() <= 16 + 3 * 39, "planes held: " + mostHeld.get());
		assertTrue(mostRunning.get() >= 2, "items read side by side: " + mostRunning.get());
		// weighed by planes, a budget of 16 one-plane items lets more than 6 files be read ahead
		AtomicInteger started = new AtomicInteger();
		AtomicInteger handed = new AtomicInteger();
		AtomicInteger mostAhead = new AtomicInteger();
		OrderedWork.run(ITEMS, 2, 16, (Integer r) -> 1, i -> {
			mostAhead.accumulateAndGet(started.incrementAndGet() - handed.get(), Math::max);
			return i;
		}, (index, item, r) -> {
			if (index % 50 == 0) Thread.sleep(20); // a slow network batch: the readers run ahead meanwhile
			handed.incrementAndGet();
			return true;
		});
		assertTrue(mostAhead.get() <= 16 && mostAhead.get() > 8, "read ahead of the one handed over: " + mostAhead.get());
	}
}
