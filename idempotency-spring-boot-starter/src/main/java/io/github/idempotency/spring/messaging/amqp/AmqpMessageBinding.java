package io.github.idempotency.spring.messaging.amqp;

import io.github.idempotency.spring.messaging.InboundMessages;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.Message;

/**
 * An advice for a Rabbit listener container's advice chain: it binds the delivered {@link Message} to the thread
 * while the listener runs, so that {@code @Idempotent(keySource = MESSAGE_ID)} and {@code HEADER} find it. Batches
 * are not bound (a batch listener takes its key from an expression).
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
		}
		return invocation.proceed();
	}

}
