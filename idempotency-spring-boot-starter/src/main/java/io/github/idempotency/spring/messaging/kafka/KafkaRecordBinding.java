package io.github.idempotency.spring.messaging.kafka;

import io.github.idempotency.spring.IdempotencyRejectedException;
import io.github.idempotency.spring.messaging.InboundMessages;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.Acknowledgment;

/**
 * An advice for a Kafka listener container's advice chain: it binds the delivered {@link ConsumerRecord} to the
 * thread while the listener runs, so that {@code @Idempotent(keySource = HEADER)} and {@code RECORD_KEY} find it.
 * Batches are not bound (a batch listener takes its key from an expression).
 * <p>
 * What {@code @Idempotent} decided reaches the container: a skipped duplicate is acknowledged when the container
 * acknowledges by hand (the listener, which would have, did not run), and a final failure (an exception listed in
 * {@code noRetryFor}, or a refusal that no redelivery heals) becomes a {@link NonRetryableRecordException}, which the
 * error handler passes to its recoverer instead of retrying. Transient refusals (a duplicate still running elsewhere,
 * an unavailable store) and other failures stay retryable.
 */
public final class KafkaRecordBinding implements MethodInterceptor {

	private final String defaultHeader;

	/**
	 * @param defaultHeader the header read by {@code keySource = HEADER} when the annotation names none
	 */
	public KafkaRecordBinding(String defaultHeader) {
		this.defaultHeader = defaultHeader;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		if (arguments.length == 0 || !(arguments[0] instanceof ConsumerRecord<?, ?> record)) {
			return invocation.proceed();
		}
		KafkaInboundMessage message = new KafkaInboundMessage(record, this.defaultHeader);
		Object result;
		try (InboundMessages.Binding binding = InboundMessages.bind(message)) {
			result = invocation.proceed();
		}
		catch (RuntimeException ex) {
			throw message.hasFailedForGood() ? new NonRetryableRecordException("The listener failed for good on "
					+ describe(record) + " (noRetryFor); it is not delivered again: " + ex.getMessage(), ex)
					: finalRefusal(ex, record);
		}
		if (message.wasSkipped()) {
			Acknowledgment acknowledgment = acknowledgment(arguments);
			if (acknowledgment != null) {
				acknowledgment.acknowledge();
			}
		}
		return result;
	}

	// a missing key, a mismatch or a corrupt record does not heal by redelivery: hand it to the recoverer (a dead-letter
	// topic) instead of retrying it; transient refusals stay retryable
	private static RuntimeException finalRefusal(RuntimeException failure, ConsumerRecord<?, ?> record) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof IdempotencyRejectedException rejected) {
				return rejected.reason().isTransient() ? failure : new NonRetryableRecordException(
						rejected.getMessage() + " (" + describe(record) + ")", failure);
			}
		}
		return failure;
	}

	// only in the manual acknowledgement modes does the container pass an Acknowledgment (else null)
	private static @Nullable Acknowledgment acknowledgment(Object[] arguments) {
		for (Object argument : arguments) {
			if (argument instanceof Acknowledgment acknowledgment) {
				return acknowledgment;
			}
		}
		return null;
	}

	private static String describe(ConsumerRecord<?, ?> record) {
		return record.topic() + "-" + record.partition() + "@" + record.offset();
	}

}
