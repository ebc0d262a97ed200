package io.github.idempotency.sample.psp;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shows how many calls the fake PSP received on this instance ({@code GET /psp/attempts}).
 */
@RestController
class PspAttemptsController {

	private final FakePaymentProcessor processor;

	PspAttemptsController(FakePaymentProcessor processor) {
		this.processor = processor;
	}

	@GetMapping("/psp/attempts")
	Map<String, Long> attempts() {
		return Map.of("attempts", this.processor.attempts());
	}

}
