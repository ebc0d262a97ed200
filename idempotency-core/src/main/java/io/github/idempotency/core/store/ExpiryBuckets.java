package io.github.idempotency.core.store;

import java.time.Instant;
import java.util.Comparator;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

/**
 * The in-memory store's slots grouped by the second they expire in, so that expired records are found at the head, a
 * few at a time, instead of by a scan of the whole map.
 * <p>
 * Each second's slots are an {@link ExpiryBucket}, linked through the slots in the order they were written: adding
 * and removing a slot cost O(1) and allocate nothing, whatever the number of records. The buckets are kept in an
 * ordered set, touched only when a second gets its first slot and when its bucket is found empty; the buckets that
 * writes went to recently are found again through a small table indexed by a hash of the second, without the set.
 * <p>
 * Within a second, slots are in the order they were written, not of their expiry: a record may expire up to one second
 * before the slot ahead of it in the same bucket, and is then removed with it, when that one expires. Records are only
 * taken when expired, never before.
 * <p>
 * A lower bound on the earliest bucket's second is kept next to the set, so that a poll before that second (the
 * common case: no record has expired) answers from one read, without looking at the set. It is lowered by every
 * bucket added and raised by a poll that found the earliest bucket still in force.
 */
final class ExpiryBuckets {

	private static final int RECENT_BITS = 8;

	/** How many recently used buckets are remembered: far more than the seconds written to at once. */
	private static final int RECENT = 1 << RECENT_BITS;

	private static final Comparator<ExpiryBucket> BY_SECOND = Comparator.<ExpiryBucket>comparingLong(
			(bucket) -> bucket.second)
		.thenComparingLong((bucket) -> bucket.serial);

	private final ConcurrentSkipListSet<ExpiryBucket> buckets = new ConcurrentSkipListSet<>(BY_SECOND);

	private final AtomicReferenceArray<ExpiryBucket> recent = new AtomicReferenceArray<>(RECENT);

	private final AtomicLong serials = new AtomicLong();

	// no bucket in the set is of an earlier second (Long.MAX_VALUE: no bucket was found)
	private final AtomicLong earliestSecond = new AtomicLong(Long.MAX_VALUE);

	private final LongAdder examined = new LongAdder();

	private final LongAdder bucketsMade = new LongAdder();

	/**
	 * Adds a new slot to the bucket of the second its record expires in.
	 * @param slot a slot in no bucket
	 */
	void add(StoredSlot slot) {
		long second = slot.expirySecond();
		while (true) {
			ExpiryBucket bucket = bucketOf(second);
			synchronized (bucket) {
				if (bucket.append(slot)) {
					return;
				}
			}
			// retired meanwhile: forget it and make another
			this.recent.compareAndSet(index(second), bucket, null);
			this.buckets.remove(bucket);
		}
	}

	/**
	 * Removes a slot from its bucket, if it is still in one.
	 * @param slot the slot
	 */
	void remove(StoredSlot slot) {
		ExpiryBucket bucket = slot.bucket;
		if (bucket != null) {
			synchronized (bucket) {
				bucket.unlink(slot);
			}
		}
	}

	/**
	 * Takes the first slot of the earliest bucket when it expired at {@code now}.
	 * @param now the current instant
	 * @return the expired slot, now in no bucket, or {@code null} when that slot is still in force (or there is none)
	 */
	@Nullable StoredSlot pollExpired(Instant now) {
		return pollExpired(now.getEpochSecond(), now.getNano());
	}

	/**
	 * Takes the first slot of the earliest bucket when it expired at the given time.
	 * @param nowSecond the current second since the epoch
	 * @param nowNano the current nanosecond within it
	 * @return the expired slot, now in no bucket, or {@code null} when that slot is still in force (or there is none)
	 */
	@Nullable StoredSlot pollExpired(long nowSecond, int nowNano) {
		long earliestKnown = this.earliestSecond.get();
		if (earliestKnown > nowSecond) {
			// every bucket is of a later second: every slot is still in force
			return null;
		}
		while (true) {
			ExpiryBucket earliest = earliest();
			if (earliest == null) {
				raiseEarliestSecond(earliestKnown, Long.MAX_VALUE);
				return null;
			}
			this.examined.increment();
			if (earliest.second > nowSecond) {
				// every slot of a later second is still in force: until that second, polls need not look
				raiseEarliestSecond(earliestKnown, earliest.second);
				return null;
			}
			synchronized (earliest) {
				StoredSlot head = earliest.first();
				if (head != null) {
					if (head.isLiveAt(nowSecond, nowNano)) {
						return null;
					}
					earliest.unlink(head);
					return head;
				}
				earliest.retireIfEmpty();
			}
			// an empty bucket, left by records removed before they expired: once per bucket
			this.recent.compareAndSet(index(earliest.second), earliest, null);
			this.buckets.remove(earliest);
		}
	}

	/**
	 * How many times the earliest bucket was looked at, for tests that prove the store never scans.
	 * @return the number of looks since the buckets were created
	 */
	long examined() {
		return this.examined.sum();
	}

	/**
	 * How many buckets were made, for tests that prove a bucket serves every write of its second.
	 * @return the number of buckets made since the buckets were created
	 */
	long bucketsMade() {
		return this.bucketsMade.sum();
	}

	private ExpiryBucket bucketOf(long second) {
		int index = index(second);
		ExpiryBucket bucket = this.recent.get(index);
		if (bucket != null && bucket.second == second && !bucket.isRetired()) {
			return bucket;
		}
		bucket = find(second);
		if (bucket == null) {
			bucket = new ExpiryBucket(second, this.serials.incrementAndGet());
			this.buckets.add(bucket);
			lowerEarliestSecond(second);
			this.bucketsMade.increment();
		}
		this.recent.set(index, bucket);
		return bucket;
	}

	/** The first bucket of a second not retired, in O(log n) of the buckets: once per second and bucket table slot. */
	private @Nullable ExpiryBucket find(long second) {
		ExpiryBucket candidate = this.buckets.ceiling(new ExpiryBucket(second, Long.MIN_VALUE));
		while (candidate != null && candidate.second == second) {
			if (!candidate.isRetired()) {
				return candidate;
			}
			candidate = this.buckets.higher(candidate);
		}
		return null;
	}

	/**
	 * Raises the bound to the second of the earliest bucket found, unless it changed since it was read.
	 * @param seen the bound read before the earliest bucket was
	 * @param second the earliest bucket's second, or {@link Long#MAX_VALUE} when none was found
	 */
	private void raiseEarliestSecond(long seen, long second) {
		if (this.earliestSecond.compareAndSet(seen, second)) {
			// a bucket added after the look, whose writer read the bound before this raised it, would be hidden until
			// the later second: look again. One added after this look finds the raised bound and lowers it itself
			ExpiryBucket earliest = earliest();
			if (earliest != null && earliest.second < second) {
				lowerEarliestSecond(earliest.second);
			}
		}
	}

	private void lowerEarliestSecond(long second) {
		while (true) {
			long bound = this.earliestSecond.get();
			if (bound <= second || this.earliestSecond.compareAndSet(bound, second)) {
				return;
			}
		}
	}

	private @Nullable ExpiryBucket earliest() {
		if (this.buckets.isEmpty()) {
			return null;
		}
		try {
			return this.buckets.first();
		}
		catch (NoSuchElementException emptiedMeanwhile) {
			return null;
		}
	}

	private static int index(long second) {
		// hashed, so that seconds a fixed distance apart (a lease and a retention) do not keep taking each other's
		// place; two seconds in use that collide do so for one second only
		return (int) ((second * 0x9E3779B97F4A7C15L) >>> (Long.SIZE - RECENT_BITS));
	}

}
