package io.github.idempotency.core.store;

import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-memory store's slots ordered by expiry, so that expired records are found at the head, a few at a time,
 * instead of by a scan of the whole map. Adding and removing cost O(log n) in a lock-free skip list; looking at the
 * head costs O(1).
 */
final class ExpiryQueue {

	private final ConcurrentSkipListSet<StoredSlot> slots = new ConcurrentSkipListSet<>(StoredSlot.BY_EXPIRY);

	private final AtomicLong sequence = new AtomicLong();

	private final LongAdder examined = new LongAdder();

	/**
	 * A sequence number for a new slot: slots that expire at the same instant stay distinct in the queue.
	 * @return the next number
	 */
	long nextSequence() {
		return this.sequence.incrementAndGet();
	}

	void add(StoredSlot slot) {
		this.slots.add(slot);
	}

	void remove(StoredSlot slot) {
		this.slots.remove(slot);
	}

	/**
	 * Takes the head of the queue when it expired at {@code now}.
	 * @param now the current instant
	 * @return the expired slot, now out of the queue, or {@code null} when the head is still in force (or the queue
	 * is empty)
	 */
	StoredSlot pollExpired(Instant now) {
		while (true) {
			this.examined.increment();
			StoredSlot head = first();
			if (head == null || head.record.isLiveAt(now)) {
				return null;
			}
			if (this.slots.remove(head)) {
				return head;
			}
			// another thread took this head first: look at the next one
		}
	}

	/**
	 * How many times the head was looked at, for tests that prove the store never scans.
	 * @return the number of looks at the head since the queue was created
	 */
	long examined() {
		return this.examined.sum();
	}

	private StoredSlot first() {
		if (this.slots.isEmpty()) {
			return null;
		}
		try {
			return this.slots.first();
		}
		catch (NoSuchElementException emptiedMeanwhile) {
			return null;
		}
	}

}
