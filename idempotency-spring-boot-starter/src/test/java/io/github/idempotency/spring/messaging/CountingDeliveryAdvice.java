package io.github.idempotency.spring.messaging;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * The innermost listener container advice of a payments listener under test (see
 * {@link AbstractIdempotentListenerIT}): counts the deliveries of each message in {@link DeliveryCounts} as they
 * arrive and as they end, and fails a delivery after the listener returned when its broker's subclass says that its
 * acknowledgement is to be lost, so that the broker delivers the message again. Each broker tells a delivery, and
 * which one loses its acknowledgement, from its arguments.
 */
public abstract class CountingDeliveryAdvice implements MethodInterceptor {

	/** The header that marks a message whose first delivery is to lose its acknowledgement. */
	public static final String LOSE_ACK = "x-test-lose-ack";

	private final DeliveryCounts deliveries;

	protected CountingDeliveryAdvice(DeliveryCounts deliveries) {
		this.deliveries = deliveries;
	}

	/**
	 * The id under which a delivery is counted.
	 * @param arguments the arguments of an invocation of the container's listener
	 * @return the id of the message it delivers, or {@code null} when the invocation is not a delivery to count
	 */
	protected abstract @Nullable String messageId(Object[] arguments);

	/**
	 * Whether a delivery, whose listener just returned, is to fail as if its acknowledgement was lost.
	 * @param arguments the arguments of the delivery's invocation
	 * @return {@code true} to fail it
	 */
	protected abstract boolean losesAcknowledgement(Object[] arguments);

	/**
	 * The failure that a delivery whose acknowledgement is lost ends with. By default an
	 * {@link IllegalStateException}; a broker's subclass returns what its container takes for a failed listener, so
	 * that the container only redelivers, as it would for a listener that threw.
	 * @param messageId the delivery's message id
	 * @param arguments the arguments of the delivery's invocation
	 * @return the failure to throw
	 */
	protected RuntimeException acknowledgementLost(String messageId, Object[] arguments) {
		return new IllegalStateException("acknowledgement of " + messageId + " lost");
	}

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		String id = messageId(invocation.getArguments());
		if (id == null) {
			return invocation.proceed();
		}
		this.deliveries.arrive(id);
		try {
			Object result = invocation.proceed();
			if (losesAcknowledgement(invocation.getArguments())) {
				throw acknowledgementLost(id, invocation.getArguments());
			}
			return result;
		}
		finally {
			this.deliveries.end(id);
		}
	}

}
