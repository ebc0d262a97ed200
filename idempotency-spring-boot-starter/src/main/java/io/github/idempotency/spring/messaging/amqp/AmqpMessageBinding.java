package io.github.idempotency.spring.messaging.amqp;

import io.github.idempotency.spring.IdempotencyRejectedException;
import io.github.idempotency.spring.messaging.InboundMessages;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;

/**
 * An advice for a Rabbit listener container's advice chain: it binds the delivered {@link Message} to the thread
 * while the listener runs, so that {@code @Idempotent(keySource = MESSAGE_ID)} and {@code HEADER} find it. Batches
 * are not bound (a batch listener takes its key from an expression). A refusal that no redelivery can heal (a
 * missing or invalid key, a mismatch, a corrupt record) is turned into an {@link AmqpRejectAndDontRequeueException},
 * so the message is dead-lettered or dropped rather than requeued forever.
 */
public final class AmqpMessageBinding implements MethodInterceptor {

	private final String defaultHeader;

	/**
	 * @param defaultHeader the header read by {@code keySource = HEADER} when the annotation names none
	 */
	public AmqpMessageBinding(String defaultHeader) {
		this.defaultHeader = defaultHeader;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		if (arguments.length == 2 && arguments[1] instanceof Message message) {
			try (InboundMessages.Binding binding = InboundMessages
				.bind(new AmqpInboundMessage(message, this.defaultHeader))) {
				return invocation.proceed();
			}
			catch (RuntimeException ex) {
				throw finalRefusal(ex);
			}
		}
		return invocation.proceed();
	}

	// a missing key, a mismatch or a corrupt record does not heal by redelivery: reject without requeue (the queue's
	// dead-letter exchange gets it) instead of redelivering it forever; transient refusals stay retryable
	private static RuntimeException finalRefusal(RuntimeException failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof IdempotencyRejectedException rejected) {
				return rejected.reason().isTransient() ? failure
						: new AmqpRejectAndDontRequeueException(rejected.getMessage(), rejected);
			}
		}
		return failure;
	}

}
