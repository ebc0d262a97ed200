package io.github.idempotency.spring.autoconfigure;

import io.github.idempotency.core.store.InMemoryIdempotencyStore;

import org.springframework.util.unit.DataSize;

/**
 * Bounds of the in-memory store. A claim of a new key past either bound answers 503 at once; expired records are
 * removed incrementally, so a store full of expired records is never full.
 */
public class MemoryStoreProperties {

	/**
	 * Most records the in-memory store keeps at once.
	 */
	private int maxRecords = InMemoryIdempotencyStore.DEFAULT_MAX_RECORDS;

	/**
	 * Most heap the in-memory store's records may hold, estimated from their stored responses (body and headers)
	 * plus a fixed overhead per record.
	 */
	private DataSize maxBytes = DataSize.ofBytes(InMemoryIdempotencyStore.DEFAULT_MAX_BYTES);

	public int getMaxRecords() {
		return this.maxRecords;
	}

	public void setMaxRecords(int maxRecords) {
		this.maxRecords = maxRecords;
	}

	public DataSize getMaxBytes() {
		return this.maxBytes;
	}

	public void setMaxBytes(DataSize maxBytes) {
		this.maxBytes = maxBytes;
	}

}
