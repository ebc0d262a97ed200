package io.github.idempotency.sample.order;

import java.net.URI;
import java.util.UUID;

import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.Idempotent.OnConflict;
import io.github.idempotency.spring.Idempotent.Scope;
import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /orders}: creates orders and moves them through their state machine.
 */
@RestController
class OrderController {

	/** The transition's key: the order and the edge, whoever asks. */
	static final String TRANSITION_KEY = "#id + ':' + #transition.from + ':' + #transition.to";

	private final OrderRepository orders;

	OrderController(OrderRepository orders) {
		this.orders = orders;
	}

	@PostMapping("/orders")
	@Idempotent(name = "orders")
	@Transactional
	ResponseEntity<OrderResponse> create(@Valid @RequestBody OrderRequest request) {
		PurchaseOrder order = this.orders.save(new PurchaseOrder(UUID.randomUUID().toString(), request.sku(),
				request.quantity()));
		return ResponseEntity.created(URI.create("/orders/" + order.getId())).body(OrderResponse.of(order));
	}

	/**
	 * Applies a transition once, however many clients request it: the key is the order and the edge, scoped
	 * globally, and a duplicate that arrives while the first still runs waits for its result instead of being
	 * turned away.
	 */
	@PostMapping("/orders/{id}/transitions")
	@Idempotent(name = "order-transitions", key = TRANSITION_KEY, scope = Scope.GLOBAL, onConflict = OnConflict.WAIT)
	@Transactional
	OrderResponse transition(@PathVariable String id, @Valid @RequestBody TransitionRequest transition) {
		PurchaseOrder order = this.orders.findById(id).orElseThrow(() -> new OrderNotFoundException(id));
		order.transition(transition.from(), transition.to());
		return OrderResponse.of(this.orders.saveAndFlush(order));
	}

	@GetMapping("/orders/{id}")
	@Transactional(readOnly = true)
	OrderResponse get(@PathVariable String id) {
		return this.orders.findById(id).map(OrderResponse::of).orElseThrow(() -> new OrderNotFoundException(id));
	}

}
