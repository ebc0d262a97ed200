package io.github.idempotency.sample.order;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of an order: {@code CREATED -> PAID -> SHIPPED}, and {@code CANCELLED} from {@code CREATED} or
 * {@code PAID}.
 */
public enum OrderState {

	CREATED, PAID, SHIPPED, CANCELLED;

	/**
	 * Whether an order in this state may move to {@code target}.
	 * @param target the requested state
	 * @return {@code true} for an edge of the state machine
	 */
	public boolean canMoveTo(OrderState target) {
		return next().contains(target);
	}

	private Set<OrderState> next() {
		return switch (this) {
			case CREATED -> EnumSet.of(PAID, CANCELLED);
			case PAID -> EnumSet.of(SHIPPED, CANCELLED);
			case SHIPPED, CANCELLED -> EnumSet.noneOf(OrderState.class);
		};
	}

}
