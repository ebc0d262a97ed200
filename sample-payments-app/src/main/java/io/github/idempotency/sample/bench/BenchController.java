package io.github.idempotency.sample.bench;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

import io.github.idempotency.spring.Idempotent;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * One tiny handler behind three paths, measured side by side by {@code scripts/bench.sh}: {@code /bench/plain}
 * without protection, {@code /bench/idem} with {@code @Idempotent} (header key), {@code /bench/ideal} with the
 * store's {@link IdealPath} ({@code /bench/idem-long}: {@code /bench/idem} with longer-lived records, for
 * {@link MemoryStoreFill}). Every path answers {@code 201} with the same 89-byte receipt, serialised the same way,
 * and counts the executions of the handler so that the driver can check that a key never ran twice.
 */
@RestController
@Profile("bench")
class BenchController {

	static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private final JsonMapper json;

	private final IdealPath ideal;

	private final LongAdder executions = new LongAdder();

	BenchController(JsonMapper json, IdealPath ideal) {
		this.json = json;
		this.ideal = ideal;
	}

	@PostMapping("/bench/plain")
	ResponseEntity<byte[]> plain(@RequestBody PurchaseRequest request) {
		return created(handle(request));
	}

	@PostMapping("/bench/idem")
	@Idempotent(name = "bench")
	ResponseEntity<byte[]> idem(@RequestBody PurchaseRequest request) {
		return created(handle(request));
	}

	/**
	 * {@code /bench/idem} with records kept for an hour ({@code idempotency.endpoints.bench-long.ttl}): a key sent
	 * before the memory store was filled to its bound is still replayed while the bound refuses new keys
	 * ({@code scripts/bench.sh --memory-fill}).
	 */
	@PostMapping("/bench/idem-long")
	@Idempotent(name = "bench-long")
	ResponseEntity<byte[]> idemLong(@RequestBody PurchaseRequest request) {
		return created(handle(request));
	}

	@PostMapping("/bench/ideal")
	ResponseEntity<byte[]> ideal(@RequestHeader("Idempotency-Key") String key,
			@RequestBody PurchaseRequest request) {
		IdealClaim claim = this.ideal.claim(key);
		if (claim instanceof IdealClaim.Finished finished) {
			return ResponseEntity.status(HttpStatus.CREATED)
				.contentType(MediaType.APPLICATION_JSON)
				.header(REPLAYED_HEADER, "true")
				.body(finished.body());
		}
		if (claim == IdealClaim.IN_PROGRESS) {
			return ResponseEntity.status(HttpStatus.CONFLICT).header("Retry-After", "1").build();
		}
		byte[] body = handle(request);
		this.ideal.complete(key, body);
		return created(body);
	}

	/**
	 * Executions of the handler since start-up, on all three paths.
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
