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
}
