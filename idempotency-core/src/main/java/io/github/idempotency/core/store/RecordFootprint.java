package io.github.idempotency.core.store;

import java.util.List;
import java.util.Map;

import io.github.idempotency.core.StoredResponse;

/**
 * An estimate of the heap a record of the in-memory store holds, counted against its byte bound. It is an estimate,
 * not a measurement: what a record costs is dominated by the stored response, which is counted exactly (its body and
 * header characters); the objects around it are counted as fixed amounts for a 64-bit JVM with compressed
 * references.
 */
final class RecordFootprint {

	/**
	 * Every record: the map node and its share of the table, the storage key (a 64-character string), the record,
	 * its fingerprint (a 67-character string), the owner token or expiry instant, the slot with its expiry links.
	 */
	static final long RECORD_OVERHEAD = 512;

	/** A stored response without its body and headers: the response object, the body array and the header map. */
	static final long RESPONSE_OVERHEAD = 96;

	/** A header name: its map entry, string object and array, and the list of its values. */
	static final long HEADER_OVERHEAD = 96;

	/** A header value: its string object and array, and its slot in the list. */
	static final long VALUE_OVERHEAD = 48;

	private RecordFootprint() {
	}

	static long of(StoredResponse response) {
		long bytes = RESPONSE_OVERHEAD + response.bodyLength();
		if (response.headers().isEmpty()) {
			// no iterator to allocate
			return bytes;
		}
		for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
			bytes += HEADER_OVERHEAD + header.getKey().length();
			for (String value : header.getValue()) {
				bytes += VALUE_OVERHEAD + value.length();
			}
		}
		return bytes;
	}

}
