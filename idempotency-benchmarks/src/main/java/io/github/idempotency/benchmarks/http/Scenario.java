package io.github.idempotency.benchmarks.http;

/**
 * What keys a timed round sends.
 */
enum Scenario {

	/** Every request has a new key: every request on a protected path is a first request. */
	UNIQUE,

	/** Every request has the key of one finished request: every request on a protected path is a replay. */
	REPLAY;

	String label() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
