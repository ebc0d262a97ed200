package io.github.idempotency.benchmarks.peer;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

import io.github.arun0009.idempotent.core.annotation.Idempotent;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The same handler as the sample app's {@code bench} profile ({@code BenchController}): {@code /bench/plain}
 * without protection and {@code /bench/idem} with the peer's {@code @Idempotent}, both answering {@code 201} with
 * the same 89-byte receipt serialised the same way. The key comes from the {@code Idempotency-Key} header
 * ({@code idempotent.key.header}); the peer does not mark replays, so the driver checks them with the execution
 * counter.
 */
@RestController
class PeerBenchController {

	private final JsonMapper json;

	private final LongAdder executions = new LongAdder();

	PeerBenchController(JsonMapper json) {
		this.json = json;
	}

	@PostMapping("/bench/plain")
	ResponseEntity<byte[]> plain(@RequestBody PurchaseRequest request) {
		return created(handle(request));
	}

	// 3 s like the sample app's bench endpoint (idempotency.endpoints.bench.ttl)
	@PostMapping("/bench/idem")
	@Idempotent(duration = "3s")
	public ResponseEntity<byte[]> idem(@RequestBody PurchaseRequest request) {
		return created(handle(request));
	}

	/**
	 * Executions of the handler since start-up, on both paths.
	 * @return {@code {"executions": N}}
	 */
	@GetMapping("/bench/executions")
	Map<String, Long> executions() {
		return Map.of("executions", this.executions.sum());
	}

	private byte[] handle(PurchaseRequest request) {
		this.executions.increment();
		return this.json.writeValueAsBytes(new Receipt(UUID.randomUUID().toString(), request.sku(), request.qty(),
				"CONFIRMED"));
	}

	private static ResponseEntity<byte[]> created(byte[] body) {
		return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON).body(body);
	}

}
