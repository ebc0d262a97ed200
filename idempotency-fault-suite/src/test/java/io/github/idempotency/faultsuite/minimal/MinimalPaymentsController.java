package io.github.idempotency.faultsuite.minimal;

import java.net.URI;

import io.github.idempotency.spring.Idempotent;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The minimal app's endpoints: a payment, as the sample app's {@code POST /payments} takes it, and a payment by id.
 */
@RestController
class MinimalPaymentsController {

	@PersistenceContext
	private EntityManager entityManager;

	/**
	 * Records a payment. The transaction sits inside the idempotent execution: with the JPA store's joined
	 * transaction, the row and the completed record commit together.
	 * @param request the payment; {@code delayMs} stands for a slow downstream call before the insert
	 * @return 201 with the payment
	 * @throws InterruptedException if interrupted while waiting {@code delayMs}
	 */
	@PostMapping("/payments")
	@Idempotent(name = "payments")
	@Transactional
	ResponseEntity<PaymentResponse> create(@RequestBody PaymentRequest request) throws InterruptedException {
		if (request.delayMs() != null) {
			Thread.sleep(request.delayMs());
		}
		MinimalPayment payment = new MinimalPayment(request.amount(), request.currency(), request.description());
		this.entityManager.persist(payment);
		return ResponseEntity.created(URI.create("/payments/" + payment.getId())).body(PaymentResponse.of(payment));
	}

	@GetMapping("/payments/{id}")
	@Transactional(readOnly = true)
	PaymentResponse get(@PathVariable String id) {
		MinimalPayment payment = this.entityManager.find(MinimalPayment.class, id);
		if (payment == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no payment " + id);
		}
		return PaymentResponse.of(payment);
	}

	/** Answers once the context is refreshed and the server takes requests. */
	@GetMapping("/ready")
	String ready() {
		return "ready";
	}

	record PaymentRequest(long amount, String currency, String description, @Nullable Integer delayMs) {
	}

	record PaymentResponse(String id, long amount, String currency, String description) {

		static PaymentResponse of(MinimalPayment payment) {
			return new PaymentResponse(payment.getId(), payment.getAmount(), payment.getCurrency(),
					payment.getDescription());
		}

	}

}
