package io.github.idempotency.spring.messaging;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * The innermost listener container advice of a crashing consumer: reports each delivery
 * ({@code delivered <id> <how>}) and each end of the listener ({@code listener-returned <id>} or
 * {@code listener-failed <id> <exception>}) through {@link ChildJvm#report(String, String)}, and at the
 * {@link KillPoint#AFTER_COMPLETION} point blocks the delivery between the listener's return and the container's
 * acknowledgement. Each broker tells a delivery from its arguments.
 */
public abstract class ReportingDeliveryAdvice implements MethodInterceptor {

	private final KillPoint killPoint;

	protected ReportingDeliveryAdvice(KillPoint killPoint) {
		this.killPoint = killPoint;
	}

	/**
	 * The delivery that an invocation of the container's listener carries.
	 * @param arguments the invocation's arguments
	 * @return the delivery, or {@code null} when the invocation is not one
	 */
	protected abstract @Nullable Delivery delivery(Object[] arguments);

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Delivery delivery = delivery(invocation.getArguments());
		if (delivery == null) {
			return invocation.proceed();
		}
		String id = delivery.messageId();
		ChildJvm.report("delivered", id + " " + delivery.how());
		Object result;
		try {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			ChildJvm.report("listener-failed", id + " " + ex.toString().replace('\n', ' '));
			throw ex;
		}
		ChildJvm.report("listener-returned", id);
		this.killPoint.reach(KillPoint.AFTER_COMPLETION, id);
		return result;
	}

	/**
	 * A delivery of a message.
	 * @param messageId the message's id
	 * @param how where it came from, as the test expects it in the {@code delivered} event
	 */
	public record Delivery(String messageId, String how) {
	}

}
