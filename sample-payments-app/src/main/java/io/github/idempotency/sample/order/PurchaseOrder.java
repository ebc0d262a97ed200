package io.github.idempotency.sample.order;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * An order, shared by every authenticated user: they stand for the systems that act on the same order.
 */
@Entity
@Table(name = "purchase_order")
public class PurchaseOrder {

	@Id
	@Column(length = 36)
	private String id;

	@Column(nullable = false, length = 64)
	private String sku;

	@Column(nullable = false)
	private int quantity;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false, length = 20)
	private OrderState state;

	@Column(nullable = false)
	private int transitions;

	// two different transitions racing on one order (say PAID and CANCELLED) must not both apply
	@Version
	private long version;

	protected PurchaseOrder() {
	}

	PurchaseOrder(String id, String sku, int quantity) {
		this.id = id;
		this.sku = sku;
		this.quantity = quantity;
		this.state = OrderState.CREATED;
	}

	/**
	 * Moves the order along one edge of its state machine.
	 * @param from the state the caller saw
	 * @param to the requested state
	 * @throws IllegalTransitionException when the order is not in {@code from} or {@code to} cannot follow it
	 */
	void transition(OrderState from, OrderState to) {
		if (!from.canMoveTo(to)) {
			throw new IllegalTransitionException("An order cannot move from " + from + " to " + to);
		}
		if (this.state != from) {
			throw new IllegalTransitionException(
					"The order is " + this.state + ", not " + from + ", so it cannot move from " + from + " to " + to);
		}
		this.state = to;
		this.transitions++;
	}

	public String getId() {
		return this.id;
	}

	public String getSku() {
		return this.sku;
	}

	public int getQuantity() {
		return this.quantity;
	}

	public OrderState getState() {
		return this.state;
	}

	public int getTransitions() {
		return this.transitions;
	}

}
