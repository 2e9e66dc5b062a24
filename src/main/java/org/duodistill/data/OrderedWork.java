package org.duodistill.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * Runs a task on each item of a list on worker threads and hands the results to the calling thread
 * in list order, so that what the caller does with them (batching planes for the network, appending
 * rows, caching samples) happens while the next items are being decoded. At most {@code window}
 * items are in flight (taken by a worker, finished or not, up to the one being handed over): memory
 * is bounded by the window, whatever the length of the list.
 */
public final class OrderedWork {
	/** The work on one item, on a worker thread; an exception it throws reaches the caller of {@link #run}. */
	public interface Task<T, R> {
		R apply(T item) throws Exception;
	}

	/** Takes each result, in list order, on the calling thread; false stops the work (nothing more is handed over). */
	public interface InOrder<T, R> {
		boolean accept(int index, T item, R result) throws Exception;
	}

	private OrderedWork() {}

	/** Decoding workers for this machine: one per processor. */
	public static int defaultWorkers() {
		return Runtime.getRuntime().availableProcessors();
	}

	/**
	 * @param workers threads running {@code task}; 0 runs everything on the calling thread, item by item
	 * @param window items taken and not yet handed over, the one being handed over included (at
	 *        least {@code workers})
	 * @return whether every item was handed over (false: {@code sink} stopped the work)
	 * @throws Exception the first exception of a task, as thrown, when its item's turn comes, or of {@code sink}
	 */
	public static <T, R> boolean run(List<T> items, int workers, int window, Task<T, R> task, InOrder<T, R> sink) throws Exception {
		return run(items, workers, Math.max(window, Math.min(workers, items.size())), r -> 1, task, sink);
	}

	/**
	 * As {@link #run(List, int, int, Task, InOrder)} with the window counted in what the results hold
	 * (planes, say) instead of items, for lists whose items differ a lot: a 2-D image is one plane, a
	 * volume hundreds. A worker starts the next item while the weight taken and not yet handed over
	 * is below {@code budget}, or when nothing is in flight (so one item heavier than the budget
	 * still goes through); an item being worked on weighs 1 until its result is weighed. In flight at
	 * most: budget + workers x (heaviest result - 1).
	 *
	 * @param weight what a result weighs (at least 1 is counted); a failed item weighs 1
	 */
	public static <T, R> boolean run(List<T> items, int workers, long budget, ToLongFunction<? super R> weight, Task<T, R> task, InOrder<T, R> sink)
			throws Exception {
		if (workers <= 0 || items.size() <= 1) {
			for (int i = 0; i < items.size(); i++) if (!sink.accept(i, items.get(i), task.apply(items.get(i)))) return false;
			return true;
		}
		int threads = Math.min(workers, items.size());
		Flight flight = new Flight(Math.max(budget, 1));
		AtomicInteger names = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
			Thread t = new Thread(r, "duodistill-read-" + names.incrementAndGet());
			t.setDaemon(true);
			return t;
		});
		try {
			for (int k = 0; k < threads; k++) {
				pool.execute(() -> {
					int i;
					while ((i = flight.take(items.size())) >= 0) {
						Object value = null;
						Throwable failure = null;
						long weighs = 1;
						try {
							@SuppressWarnings("unchecked")
							R r = (R) (value = task.apply(items.get(i)));
							weighs = Math.max(1, weight.applyAsLong(r));
						} catch (Throwable e) {
							failure = e;
						}
						flight.done(i, new Done(value, failure, weighs));
					}
				});
			}
			for (int i = 0; i < items.size(); i++) {
				Done d = flight.await(i);
				if (d.failure() != null) throw rethrown(d.failure());
				@SuppressWarnings("unchecked")
				R r = (R) d.value();
				boolean more = sink.accept(i, items.get(i), r);
				// the item handed over counts in flight until the sink is done with it
				flight.handedOver(d.weight());
				if (!more) return false;
			}
			return true;
		} finally {
			flight.stop();
			pool.shutdownNow();
		}
	}

	private record Done(Object value, Throwable failure, long weight) {}

	/** The items taken and not handed over, and their weight, under one lock. */
	private static final class Flight {
		private final long budget;
		private final Map<Integer, Done> finished = new HashMap<>();
		private int next;
		private long weight;
		private boolean stopped;

		Flight(long budget) {
			this.budget = budget;
		}

		/** The next item's index for a worker, or -1 when there is none or the work stopped. */
		synchronized int take(int size) {
			try {
				while (!stopped && next < size && weight > 0 && weight >= budget) wait();
			} catch (InterruptedException e) {
				return -1;
			}
			if (stopped || next >= size) return -1;
			weight++;
			return next++;
		}

		synchronized void done(int index, Done d) {
			finished.put(index, d);
			weight += d.weight() - 1;
			notifyAll();
		}

		synchronized Done await(int index) throws InterruptedException {
			Done d;
			while ((d = finished.remove(index)) == null) wait();
			return d;
		}

		synchronized void handedOver(long w) {
			weight -= w;
			notifyAll();
		}

		synchronized void stop() {
			stopped = true;
			notifyAll();
		}
	}

	private static Exception rethrown(Throwable t) {
		if (t instanceof Error e) throw e;
		return (Exception) t;
	}
}
