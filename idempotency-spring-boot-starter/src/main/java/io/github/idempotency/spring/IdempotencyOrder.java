package io.github.idempotency.spring;

import org.springframework.core.Ordered;

/**
 * Where the idempotency interceptor sits among other advisors.
 */
public final class IdempotencyOrder {

	/**
	 * The default order: before (outside) {@code @Transactional}, whose advisor has
	 * {@link Ordered#LOWEST_PRECEDENCE}, so the claim commits on its own and the method's transaction runs inside the
	 * protected execution.
	 */
	public static final int DEFAULT = Ordered.LOWEST_PRECEDENCE - 100;

	private IdempotencyOrder() {
	}

}
