package io.github.idempotency.spring.messaging;

import java.util.List;

/**
 * The store a consumer under test keeps its idempotency records in, as Spring properties for the consumer's
 * application, and what this test run left in it to remove. Each instance keeps apart from other runs (a key prefix, a
 * table of its own).
 */
public interface ConsumerStore {

	/**
	 * {@return the consumer application's properties that select and configure the store, as {@code name=value}}
	 * Read only when a consumer starts, so that a test skipped for want of a server never asks for one.
	 */
	List<String> properties();

	/** Removes what the store kept of this run and releases what this JVM opened on it. */
	default void cleanUp() {
	}

}
