package io.github.idempotency.spring.messaging;

import io.github.idempotency.core.store.IdempotencyStore;

/**
 * A {@link ConsumerStore} on a server that outlives the consumer's process, which this JVM can read too: what a
 * consumer crash test needs to look at the records a killed consumer left.
 */
public interface DurableConsumerStore extends ConsumerStore {

	/** {@return the store the consumers write, as this JVM reads it} */
	IdempotencyStore reader();

}
