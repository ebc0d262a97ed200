package io.github.idempotency.sample.order;

/**
 * An order as the API shows it.
 *
 * @param id the order's id
 * @param sku the article
 * @param quantity how many
 * @param state where the order is in its life
 * @param transitions how many transitions were applied to it
 */
public record OrderResponse(String id, String sku, int quantity, OrderState state, int transitions) {

	static OrderResponse of(PurchaseOrder order) {
		return new OrderResponse(order.getId(), order.getSku(), order.getQuantity(), order.getState(),
				order.getTransitions());
	}

}
