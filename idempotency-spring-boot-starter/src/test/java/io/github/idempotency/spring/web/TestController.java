package io.github.idempotency.spring.web;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.web.WebTestApplication.Gate;
import io.github.idempotency.spring.web.WebTestApplication.Invocations;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;

/**
 * Endpoints that exercise every row of the protocol. Each response carries a fresh random id, so a test can tell a
 * replay (same bytes) from a second execution.
 */
@RestController
class TestController {

	private final Invocations invocations;

	private final Gate gate;

	TestController(Invocations invocations, Gate gate) {
		this.invocations = invocations;
		this.gate = gate;
	}

	@PostMapping("/payments")
	@Idempotent(name = "payments")
	ResponseEntity<Payment> pay(@RequestBody PaymentRequest request) {
		int run = this.invocations.increment("payments");
		switch (request.outcome() == null ? "ok" : request.outcome()) {
			case "invalid" -> throw new IllegalArgumentException("amount must be positive");
			case "crash" -> throw new IllegalStateException("processor crashed");
			case "crash-after-charge" -> {
				IdempotencyContext.require().retainResult();
				throw new IllegalStateException("processor crashed after charging");
			}
			case "declined" -> throw new ResponseStatusException(HttpStatus.PAYMENT_REQUIRED, "declined");
			case "rate-limited" -> throw new ResponseStatusException(HttpStatus.TOO_MANY_REQUESTS, "slow down");
			default -> {
			}
		}
		Payment payment = new Payment(UUID.randomUUID().toString(), request.amount(), request.currency(), run,
				IdempotencyContext.require().downstreamKey());
		return ResponseEntity.created(URI.create("/payments/" + payment.id()))
			.header("ETag", "\"" + payment.id() + "\"")
			.header("X-Request-Trace", UUID.randomUUID().toString())
			.header("Set-Cookie", "session=" + UUID.randomUUID())
			.body(payment);
	}

	@PostMapping("/slow")
	@Idempotent(name = "slow")
	String slow(@RequestBody String body) throws InterruptedException {
		this.invocations.increment("slow");
		this.gate.pass();
		return "done " + UUID.randomUUID();
	}

	@PostMapping("/slow-wait")
	@Idempotent(name = "slow-wait", onConflict = Idempotent.OnConflict.WAIT)
	String slowWait(@RequestBody String body) throws InterruptedException {
		this.invocations.increment("slow-wait");
		this.gate.pass();
		return "done " + UUID.randomUUID();
	}

	@PostMapping("/slow-wait-briefly")
	@Idempotent(name = "slow-wait-briefly")
	String slowWaitBriefly(@RequestBody String body) throws InterruptedException {
		this.invocations.increment("slow-wait-briefly");
		this.gate.pass();
		return "done " + UUID.randomUUID();
	}

	@PostMapping("/slow-short-lease")
	@Idempotent(name = "slow-short-lease", lease = "1500ms")
	String slowShortLease(@RequestBody String body) throws InterruptedException {
		this.invocations.increment("slow-short-lease");
		this.gate.pass();
		return "done " + UUID.randomUUID();
	}

	@PostMapping("/orders/{id}/transitions")
	@Idempotent(key = "#id + ':' + #transition.from + ':' + #transition.to", scope = Idempotent.Scope.GLOBAL)
	Transition transition(@PathVariable String id, @RequestBody Transition transition) {
		this.invocations.increment("transition");
		return new Transition(transition.from(), transition.to() + "@" + UUID.randomUUID());
	}

	@PostMapping("/payments-by-bytes")
	@Idempotent(name = "payments-by-bytes")
	String payByBytes(@RequestBody PaymentRequest request) {
		this.invocations.increment("payments-by-bytes");
		return request.amount() + " " + UUID.randomUUID();
	}

	@PostMapping("/transitions-by-state")
	@Idempotent(key = "#transition.from.trim() + #transition.to.trim()",
			scope = Idempotent.Scope.GLOBAL)
	Transition transitionByState(@RequestBody Transition transition) {
		this.invocations.increment("transitions-by-state");
		return transition;
	}

	@PostMapping("/accounts/{id}/deposits")
	@Idempotent(name = "deposits")
	String deposit(@PathVariable String id, @RequestParam int amount) {
		this.invocations.increment("deposits");
		return id + ":" + amount + ":" + UUID.randomUUID();
	}

	@PostMapping(path = "/accounts/{id}/statements", consumes = MediaType.TEXT_PLAIN_VALUE)
	@Idempotent(keySource = Idempotent.KeySource.BODY_HASH)
	String statement(@PathVariable String id, @RequestBody String body) {
		this.invocations.increment("statements");
		return id + ":" + body + ":" + UUID.randomUUID();
	}

	@PostMapping(path = "/uploads", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	@Idempotent(name = "uploads")
	String upload(@RequestParam("file") MultipartFile file) throws IOException {
		this.invocations.increment("uploads");
		return new String(file.getBytes(), StandardCharsets.UTF_8) + ":" + UUID.randomUUID();
	}

	@PostMapping(path = "/hashed", consumes = MediaType.TEXT_PLAIN_VALUE)
	@Idempotent(keySource = Idempotent.KeySource.BODY_HASH)
	String hashed(@RequestBody String body) {
		this.invocations.increment("hashed");
		return body + " " + UUID.randomUUID();
	}

	@PostMapping("/optional")
	@Idempotent(required = false)
	String optional() {
		this.invocations.increment("optional");
		return UUID.randomUUID().toString();
	}

	@PostMapping(path = "/large", produces = MediaType.TEXT_PLAIN_VALUE)
	@Idempotent(name = "large")
	ResponseEntity<String> large(@RequestBody String size) {
		this.invocations.increment("large");
		return ResponseEntity.status(HttpStatus.CREATED)
			.header("Location", "/large/1")
			.body("x".repeat(Integer.parseInt(size.strip())));
	}

	@PostMapping("/void")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Idempotent(name = "void")
	void accept(@RequestBody String body) {
		this.invocations.increment("void");
	}

	@PostMapping("/counter")
	@Idempotent(name = "counter")
	int counter() {
		return this.invocations.increment("counter");
	}

	@PostMapping(path = "/text", produces = "text/plain;charset=ISO-8859-1")
	@Idempotent(name = "text")
	String text() {
		this.invocations.increment("text");
		return "caf\u00e9 " + UUID.randomUUID();
	}

	record PaymentRequest(int amount, String currency, String outcome) {
	}

	record Payment(String id, int amount, String currency, int run, String downstreamKey) {
	}

	record Transition(String from, String to) {
	}

}
