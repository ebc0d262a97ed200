package io.github.idempotency.faultsuite.scenarios;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.github.idempotency.faultsuite.blobs.BlobAutoConfiguration;
import io.github.idempotency.faultsuite.broken.BrokenSetting;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.receipts.ReceiptAutoConfiguration;
import io.github.idempotency.faultsuite.stores.StoreUnderTest;

/**
 * The app instances that several scenarios share ({@link ChildApp#shared}), one per store: each costs a start-up,
 * which on a loaded machine takes longer than most scenarios' own work. They all run with one set of properties:
 * the store's, the blob endpoint with its short TTL for the growth scenario (the payments keep the app's TTL), a
 * JPA purge every 5 s, and a broken setting that starts as none, so that a negative control can switch it.
 */
final class SharedApps {

	/** The blob endpoint's TTL (the growth scenario's default run). */
	static final Duration BLOB_TTL = Duration.ofSeconds(10);

	/** The JPA store's purge interval (the growth scenario's default run). */
	static final Duration PURGE_INTERVAL = Duration.ofSeconds(5);

	private SharedApps() {
	}

	/**
	 * The shared instance for a store.
	 * @param store the store, whose own properties point the app at it
	 * @return the running instance
	 */
	static ChildApp of(StoreUnderTest store) {
		return ChildApp.shared("shared-" + store.name().replaceAll("[^a-z0-9]+", "-"), store.profile(),
				properties(store));
	}

	/**
	 * The shared instances' properties.
	 * @param store the store
	 * @return the properties
	 */
	static Map<String, String> properties(StoreUnderTest store) {
		Map<String, String> properties = new HashMap<>(store.appProperties());
		properties.put(BlobAutoConfiguration.PROPERTY, "true");
		properties.put(ReceiptAutoConfiguration.PROPERTY, "true");
		properties.put("idempotency.endpoints.blobs.ttl", BLOB_TTL.toSeconds() + "s");
		properties.put("idempotency.jpa.purge-interval", PURGE_INTERVAL.toSeconds() + "s");
		properties.put(BrokenSetting.PROPERTY, "none");
		return properties;
	}

}
