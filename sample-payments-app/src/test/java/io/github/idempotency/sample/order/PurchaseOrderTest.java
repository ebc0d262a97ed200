package io.github.idempotency.sample.order;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PurchaseOrderTest {

	@Test
	void newOrderIsCreatedWithNoTransitions() {
		PurchaseOrder order = new PurchaseOrder("o1", "BOOK-1", 2);
		assertThat(order.getState()).isEqualTo(OrderState.CREATED);
		assertThat(order.getTransitions()).isZero();
	}

	@Test
	void movesAlongTheStateMachineCountingTransitions() {
		PurchaseOrder order = new PurchaseOrder("o1", "BOOK-1", 2);
		order.transition(OrderState.CREATED, OrderState.PAID);
		order.transition(OrderState.PAID, OrderState.SHIPPED);
		assertThat(order.getState()).isEqualTo(OrderState.SHIPPED);
		assertThat(order.getTransitions()).isEqualTo(2);
	}

	@Test
	void cancelsFromCreatedOrPaidOnly() {
		assertThat(OrderState.CREATED.canMoveTo(OrderState.CANCELLED)).isTrue();
		assertThat(OrderState.PAID.canMoveTo(OrderState.CANCELLED)).isTrue();
		assertThat(OrderState.SHIPPED.canMoveTo(OrderState.CANCELLED)).isFalse();
		assertThat(OrderState.CANCELLED.canMoveTo(OrderState.CREATED)).isFalse();
	}

	@Test
	void refusesAnEdgeThatDoesNotExist() {
		PurchaseOrder order = new PurchaseOrder("o1", "BOOK-1", 2);
		assertThatExceptionOfType(IllegalTransitionException.class)
			.isThrownBy(() -> order.transition(OrderState.CREATED, OrderState.SHIPPED));
		assertThat(order.getState()).isEqualTo(OrderState.CREATED);
	}

	@Test
	void refusesATransitionFromAStateTheOrderIsNotIn() {
		PurchaseOrder order = new PurchaseOrder("o1", "BOOK-1", 2);
		order.transition(OrderState.CREATED, OrderState.CANCELLED);
		assertThatExceptionOfType(IllegalTransitionException.class)
			.isThrownBy(() -> order.transition(OrderState.CREATED, OrderState.PAID))
			.withMessageContaining("CANCELLED");
		assertThat(order.getTransitions()).isEqualTo(1);
	}

}
