package io.github.idempotency.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The interceptor inside a real {@link RestClient}, against a real HTTP server on localhost: the body and the key
 * are sent again on every attempt, and the caller sees only the final response.
 */
class RestClientRetryTest {

	private HttpServer server;

	private final List<String> keys = new CopyOnWriteArrayList<>();

	private final List<String> bodies = new CopyOnWriteArrayList<>();

	private final AtomicInteger requests = new AtomicInteger();

	private RestClient client;

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/payments", this::answer);
		this.server.createContext("/invalid", (exchange) -> {
			this.keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
			respond(exchange, 422, "{\"type\":\"key-mismatch\"}");
		});
		this.server.start();
		this.client = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.server.getAddress().getPort())
			.requestFactory(new JdkClientHttpRequestFactory())
			.requestInterceptor(IdempotentRetryInterceptor.builder()
				.backoff(Duration.ofMillis(1), 2.0, Duration.ofMillis(10))
				.build())
			.build();
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
	}

	private void answer(HttpExchange exchange) throws IOException {
		this.keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
		this.bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
		int request = this.requests.incrementAndGet();
		if (request == 1) {
			exchange.getResponseHeaders().set("Retry-After", "0");
			respond(exchange, 503, "{\"type\":\"store-unavailable\"}");
		}
		else if (request == 2) {
			respond(exchange, 500, "{}");
		}
		else {
			exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
			respond(exchange, 201, "{\"id\":\"p-1\"}");
		}
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

	@Test
	void retriesWithTheSameKeyAndBodyUntilTheResult() {
		ResponseEntity<String> response = this.client.post()
			.uri("/payments")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"amount\":1250}")
			.retrieve()
			.toEntity(String.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(response.getBody()).isEqualTo("{\"id\":\"p-1\"}");
		assertThat(this.keys).hasSize(3).doesNotContainNull().containsOnly(this.keys.get(0));
		assertThat(this.bodies).containsOnly("{\"amount\":1250}");
	}

	@Test
	void aMismatchReachesTheCallerAfterOneAttempt() {
		assertThatExceptionOfType(HttpClientErrorException.UnprocessableContent.class)
			.isThrownBy(() -> this.client.post().uri("/invalid").body("{}").retrieve().toBodilessEntity())
			.satisfies((ex) -> assertThat(ex.getResponseBodyAsString()).contains("key-mismatch"));
		assertThat(this.keys).hasSize(1);
	}

}
