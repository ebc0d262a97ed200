package io.github.idempotency.sample.payment;

import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.sample.psp.Charge;
import io.github.idempotency.sample.psp.ChargeRequest;
import io.github.idempotency.sample.psp.FakePaymentProcessor;
import io.github.idempotency.spring.Idempotent;
import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /payments}: takes payments through the fake PSP and shows the caller's payments.
 */
@RestController
class PaymentController {

	static final String CAPTURED = "CAPTURED";

	private final FakePaymentProcessor processor;

	private final PaymentRepository payments;

	PaymentController(FakePaymentProcessor processor, PaymentRepository payments) {
		this.processor = processor;
		this.payments = payments;
	}

	/**
	 * Charges the PSP and records the payment. A retry with the same {@code Idempotency-Key} gets this response
	 * back without charging again. The transaction sits inside the idempotent execution, so with the JPA store's
	 * joined transaction the payment row and the stored response commit together.
	 */
	@PostMapping("/payments")
	@Idempotent(name = "payments")
	@Transactional
	ResponseEntity<PaymentResponse> create(@Valid @RequestBody PaymentRequest request, Principal principal) {
		String downstreamKey = IdempotencyContext.current().map(IdempotencyContext::downstreamKey).orElse(null);
		Duration delay = Duration.ofMillis((request.delayMs() != null) ? request.delayMs() : 0);
		Charge charge = this.processor.charge(
				new ChargeRequest(request.amount(), request.currency(), downstreamKey, request.simulate(), delay));
		Payment payment = new Payment(UUID.randomUUID().toString(), principal.getName(), request.amount(),
				request.currency(), request.description(), CAPTURED, charge.reference(), Instant.now());
		this.payments.save(payment);
		return ResponseEntity.created(URI.create("/payments/" + payment.getId())).body(PaymentResponse.of(payment));
	}

	@GetMapping("/payments")
	@Transactional(readOnly = true)
	List<PaymentResponse> list(Principal principal) {
		return this.payments.findByOwnerOrderByCreatedAtAsc(principal.getName())
			.stream()
			.map(PaymentResponse::of)
			.toList();
	}

	@GetMapping("/payments/{id}")
	@Transactional(readOnly = true)
	PaymentResponse get(@PathVariable String id, Principal principal) {
		return this.payments.findByIdAndOwner(id, principal.getName())
			.map(PaymentResponse::of)
			.orElseThrow(() -> new PaymentNotFoundException(id));
	}

}
