package io.github.idempotency.core.store;

import org.jspecify.annotations.Nullable;

/**
 * The slots of the in-memory store that expire within one second, linked through the slots themselves in the order
 * they were written, so that adding, removing and taking the first cost O(1) and allocate nothing. Guarded by its
 * own monitor: every method is called while holding it.
 * <p>
 * A bucket found empty when its turn comes is retired: it accepts no slot from then on, and a write that meets it
 * makes a new bucket for the same second.
 */
final class ExpiryBucket {

	/** The second every slot of this bucket expires in, since the epoch. */
	final long second;

	/** Tells apart the buckets of the same second made one after another, to keep them distinct in the ordered set. */
	final long serial;

	private @Nullable StoredSlot first;

	private @Nullable StoredSlot last;

	// read without the monitor by writers looking for a bucket, who check again under it
	private volatile boolean retired;

	ExpiryBucket(long second, long serial) {
		this.second = second;
		this.serial = serial;
	}

	/**
	 * Appends a slot, unless this bucket was retired.
	 * @param slot a slot in no bucket
	 * @return whether it was appended
	 */
	boolean append(StoredSlot slot) {
		if (this.retired) {
			return false;
		}
		slot.bucket = this;
		slot.previous = this.last;
		slot.next = null;
		if (this.last == null) {
			this.first = slot;
		}
		else {
			this.last.next = slot;
		}
		this.last = slot;
		return true;
	}

	/**
	 * Unlinks a slot, unless it left this bucket already (taken as expired, or removed by another thread).
	 * @param slot the slot
	 */
	void unlink(StoredSlot slot) {
		if (slot.bucket != this) {
			return;
		}
		StoredSlot previous = slot.previous;
		StoredSlot next = slot.next;
		if (previous == null) {
			this.first = next;
		}
		else {
			previous.next = next;
		}
		if (next == null) {
			this.last = previous;
		}
		else {
			next.previous = previous;
		}
		slot.bucket = null;
		slot.previous = null;
		slot.next = null;
	}

	/** {@return the slot written first of those still here, or {@code null} when empty} */
	@Nullable StoredSlot first() {
		return this.first;
	}

	/**
	 * Retires this bucket when it is empty.
	 * @return whether it is retired
	 */
	boolean retireIfEmpty() {
		if (this.first == null) {
			this.retired = true;
		}
		return this.retired;
	}

	boolean isRetired() {
		return this.retired;
	}

}
