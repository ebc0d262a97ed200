package io.github.idempotency.faultsuite.stores;

import java.util.Map;

/**
 * The in-memory store: no process, one app instance.
 */
public final class MemoryStore implements StoreUnderTest {

	@Override
	public String name() {
		return "memory";
	}

	@Override
	public String profile() {
		return null;
	}

	@Override
	public Map<String, String> appProperties() {
		return Map.of("idempotency.store", "memory");
	}

	@Override
	public void close() {
	}

}
