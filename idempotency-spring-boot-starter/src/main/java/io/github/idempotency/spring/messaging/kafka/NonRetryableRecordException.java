package io.github.idempotency.spring.messaging.kafka;

import org.jspecify.annotations.Nullable;

/**
 * A record that an {@code @Idempotent} Kafka listener must not receive again: the listener failed with an exception
 * its {@code noRetryFor} lists (the failure is recorded, so a redelivery would be skipped), or the record was refused
 * for a reason that no redelivery heals (a missing or invalid key, a key reused with other content, a corrupt stored
 * record). The starter registers it as not retryable with every {@code DefaultErrorHandler} bean, so such a record
 * goes to the error handler's recoverer (a {@code DeadLetterPublishingRecoverer}, for instance) at once; an error
 * handler that is not a bean needs {@code addNotRetryableExceptions(NonRetryableRecordException.class)}.
 */
public class NonRetryableRecordException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what happened
	 * @param cause the listener's failure or the refusal
	 */
	public NonRetryableRecordException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
