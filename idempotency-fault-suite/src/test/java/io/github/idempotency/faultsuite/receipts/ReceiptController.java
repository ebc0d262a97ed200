package io.github.idempotency.faultsuite.receipts;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.github.idempotency.spring.Idempotent;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /fault-suite/receipts}: 201 with a receipt in which everything an execution decides is new each time,
 * as in a real response: a random id and the {@code Location} built from it, the time of issue, an
 * {@code ETag}, a session cookie, and non-ASCII text in a body whose {@code Content-Type} names its charset.
 */
@RestController
class ReceiptController {

	private static final MediaType JSON_UTF_8 = new MediaType("application", "json", StandardCharsets.UTF_8);

	@PostMapping("/fault-suite/receipts")
	@Idempotent(name = "receipts")
	ResponseEntity<String> issue(@RequestBody String order) {
		String id = UUID.randomUUID().toString();
		String body = "{\"id\":\"" + id + "\",\"issuedAt\":\"" + Instant.now() + "\",\"orderBytes\":"
				+ order.getBytes(StandardCharsets.UTF_8).length + ",\"note\":\"re\u00e7u \u20ac \u2713\"}";
		return ResponseEntity.created(URI.create("/fault-suite/receipts/" + id))
			.contentType(JSON_UTF_8)
			.eTag("\"" + randomHex() + "\"")
			.header(HttpHeaders.SET_COOKIE, "receipt-session=" + randomHex() + "; Path=/; HttpOnly")
			.body(body);
	}

	private static String randomHex() {
		byte[] bytes = new byte[16];
		ThreadLocalRandom.current().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

}
