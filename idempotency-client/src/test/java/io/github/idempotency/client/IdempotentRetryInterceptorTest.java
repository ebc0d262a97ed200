package io.github.idempotency.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;
import org.springframework.util.StreamUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IdempotentRetryInterceptorTest {

	private static final byte[] BODY = "{\"amount\":1250}".getBytes(StandardCharsets.UTF_8);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

	private final List<Duration> waits = new ArrayList<>();

	private final List<String> events = new ArrayList<>();

	private final ScriptedExecution server = new ScriptedExecution();

	private final IdempotentRetryListener listener = new IdempotentRetryListener() {

		@Override
		public void onAttempt(HttpRequest request, int attempt, AttemptOutcome outcome) {
			IdempotentRetryInterceptorTest.this.events.add(attempt + ":" + outcome);
		}

		@Override
		public void onReplay(HttpRequest request) {
			IdempotentRetryInterceptorTest.this.events.add("replay");
		}

		@Override
		public void onRetriesExhausted(HttpRequest request, int attempts, AttemptOutcome lastOutcome) {
			IdempotentRetryInterceptorTest.this.events.add("exhausted after " + attempts + ":" + lastOutcome);
		}

	};

	private IdempotentRetryInterceptor.Builder interceptor() {
		return IdempotentRetryInterceptor.builder()
			.clock(this.clock)
			.sleeper((wait) -> {
				this.waits.add(wait);
				this.clock.advance(wait);
			})
			.random(() -> 0.5)
			.keyGenerator(() -> "generated-key")
			.listener(this.listener);
	}

	@AfterEach
	void clearInterruptFlag() {
		Thread.interrupted();
	}

	private static MockClientHttpRequest post() {
		return new MockClientHttpRequest(HttpMethod.POST, URI.create("http://payments.test/payments"));
	}

	private static ScriptedExecution.Step status(int status, String... headers) {
		return () -> {
			MockClientHttpResponse response = new MockClientHttpResponse(
					("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8), HttpStatusCode.valueOf(status));
			for (int i = 0; i < headers.length; i += 2) {
				response.getHeaders().add(headers[i], headers[i + 1]);
			}
			return response;
		};
	}

	private static ScriptedExecution.Step failure(IOException ex) {
		return () -> {
			throw ex;
		};
	}

	private static String body(ClientHttpResponse response) throws IOException {
		return StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8);
	}

	@Test
	void keepsOneGeneratedKeyAndTheBodyAcrossEveryRetry() throws IOException {
		this.server.then(failure(new ConnectException("refused")))
			.then(failure(new SocketTimeoutException("read timed out")))
			.then(status(503))
			.then(status(201));
		MockClientHttpRequest request = post();

		ClientHttpResponse response = interceptor().build().intercept(request, BODY, this.server);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(this.server.keys()).containsExactly("generated-key", "generated-key", "generated-key",
				"generated-key");
		assertThat(this.server.bodies()).allSatisfy((body) -> assertThat(body).isEqualTo(BODY));
		assertThat(this.events).containsExactly("1:IO_ERROR", "2:IO_ERROR", "3:RETRYABLE_STATUS", "4:SUCCESS");
	}

	@Test
	void waitsExponentialBackoffWithFullJitterWithoutRetryAfter() throws IOException {
		this.server.then(status(500)).then(status(502)).then(status(504)).then(status(200));

		interceptor().backoff(Duration.ofMillis(100), 3.0, Duration.ofMillis(500))
			.build()
			.intercept(post(), BODY, this.server);

		// ceilings 100, 300, 500 (capped), each halved by the fixed jitter of 0.5
		assertThat(this.waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(250));
	}

	@Test
	void keepsTheCallersOwnKey() throws IOException {
		this.server.then(status(503)).then(status(201));
		MockClientHttpRequest request = post();
		request.getHeaders().set("Idempotency-Key", "downstream-key-1");

		interceptor().build().intercept(request, BODY, this.server);

		assertThat(this.server.keys()).containsExactly("downstream-key-1", "downstream-key-1");
	}

	@Test
	void generatesAKeyPerCallNotPerInterceptor() throws IOException {
		int[] counter = { 0 };
		IdempotentRetryInterceptor interceptor = interceptor().keyGenerator(() -> "key-" + (++counter[0])).build();
		this.server.then(status(201)).then(status(201));

		interceptor.intercept(post(), BODY, this.server);
		interceptor.intercept(post(), BODY, this.server);

		assertThat(this.server.keys()).containsExactly("key-1", "key-2");
	}

	@Test
	void retriesInProgressConflictAfterItsRetryAfter() throws IOException {
		this.server.then(status(409, "Retry-After", "2")).then(status(201, "Idempotent-Replayed", "true"));

		ClientHttpResponse response = interceptor().build().intercept(post(), BODY, this.server);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(this.waits).containsExactly(Duration.ofSeconds(2));
		assertThat(this.events).containsExactly("1:RETRYABLE_STATUS", "2:SUCCESS", "replay");
	}

	@Test
	void honoursRetryAfterAsAnHttpDate() throws IOException {
		this.server.then(status(503, "Retry-After", "Tue, 01 Dec 2026 10:00:07 GMT")).then(status(201));

		interceptor().build().intercept(post(), BODY, this.server);

		assertThat(this.waits).containsExactly(Duration.ofSeconds(7));
	}

	@Test
	void honoursRetryAfterOfTooManyRequestsBeyondMaxDelay() throws IOException {
		this.server.then(status(429, "Retry-After", "10")).then(status(201));

		interceptor().build().intercept(post(), BODY, this.server);

		assertThat(this.waits).containsExactly(Duration.ofSeconds(10));
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 403, 404, 409, 422, 501 })
	void neverRetriesClientErrorsOrAConflictWithoutRetryAfter(int status) throws IOException {
		this.server.then(status(status));

		ClientHttpResponse response = interceptor().build().intercept(post(), BODY, this.server);

		assertThat(response.getStatusCode().value()).isEqualTo(status);
		assertThat(body(response)).isEqualTo("{\"status\":" + status + "}");
		assertThat(this.server.attempts()).isEqualTo(1);
		assertThat(this.waits).isEmpty();
	}

	@Test
	void returnsTheLastResponseAfterMaxAttempts() throws IOException {
		this.server.then(status(503)).then(status(503)).then(status(503));

		ClientHttpResponse response = interceptor().maxAttempts(3).build().intercept(post(), BODY, this.server);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(body(response)).isEqualTo("{\"status\":503}");
		assertThat(this.server.attempts()).isEqualTo(3);
		assertThat(this.waits).hasSize(2);
		assertThat(this.events).endsWith("exhausted after 3:RETRYABLE_STATUS");
	}

	@Test
	void rethrowsTheLastFailureAfterMaxAttempts() {
		SocketTimeoutException last = new SocketTimeoutException("second");
		this.server.then(failure(new SocketTimeoutException("first"))).then(failure(last));

		assertThatExceptionOfType(SocketTimeoutException.class)
			.isThrownBy(() -> interceptor().maxAttempts(2).build().intercept(post(), BODY, this.server))
			.isSameAs(last);
		assertThat(this.events).endsWith("exhausted after 2:IO_ERROR");
	}

	@Test
	void doesNotWaitPastTheTotalTime() throws IOException {
		this.server.then(status(503, "Retry-After", "60"));

		ClientHttpResponse response = interceptor().maxElapsedTime(Duration.ofSeconds(30))
			.build()
			.intercept(post(), BODY, this.server);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(this.waits).isEmpty();
	}

	@Test
	void totalTimeCountsEveryWaitSinceTheFirstAttempt() throws IOException {
		for (int i = 0; i < 10; i++) {
			this.server.then(status(409, "Retry-After", "4"));
		}

		interceptor().maxAttempts(10).maxElapsedTime(Duration.ofSeconds(10)).build().intercept(post(), BODY, this.server);

		// attempts at 0 s, 4 s and 8 s; a fourth would start at 12 s
		assertThat(this.server.attempts()).isEqualTo(3);
		assertThat(this.waits).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(4));
	}

	@Test
	void retriesAResponseWhoseBodyBreaksWhileRead() throws IOException {
		this.server.then(() -> new BrokenBodyResponse()).then(status(201, "Idempotent-Replayed", "true"));

		ClientHttpResponse response = interceptor().build().intercept(post(), BODY, this.server);

		assertThat(body(response)).isEqualTo("{\"status\":201}");
		assertThat(this.server.keys()).containsExactly("generated-key", "generated-key");
		assertThat(this.events).containsExactly("1:IO_ERROR", "2:SUCCESS", "replay");
	}

	@Test
	void leavesMethodsItDoesNotHandleUntouched() throws IOException {
		this.server.then(status(503));
		MockClientHttpRequest get = new MockClientHttpRequest(HttpMethod.GET, URI.create("http://payments.test/"));

		ClientHttpResponse response = interceptor().build().intercept(get, new byte[0], this.server);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(this.server.keys()).containsExactly((String) null);
		assertThat(this.events).isEmpty();
	}

	@Test
	void handlesConfiguredMethodsAndHeaderName() throws IOException {
		this.server.then(status(201));
		MockClientHttpRequest put = new MockClientHttpRequest(HttpMethod.PUT, URI.create("http://payments.test/"));

		interceptor().methods(Set.of(HttpMethod.PUT)).headerName("X-Request-Key").build().intercept(put, BODY,
				this.server);

		assertThat(put.getHeaders().getFirst("X-Request-Key")).isEqualTo("generated-key");
	}

	@Test
	void anInterruptedWaitStopsTheCall() {
		this.server.then(status(503));
		IdempotentRetryInterceptor interceptor = interceptor().sleeper((wait) -> {
			throw new InterruptedException();
		}).build();

		assertThatExceptionOfType(InterruptedIOException.class)
			.isThrownBy(() -> interceptor.intercept(post(), BODY, this.server));
		assertThat(Thread.currentThread().isInterrupted()).isTrue();
	}

	@Test
	void refusesInvalidSettingsNamingTheProperty() {
		assertThat(catchMessage(() -> IdempotentRetryInterceptor.builder().maxAttempts(0)))
			.contains("max-attempts");
		assertThat(catchMessage(() -> IdempotentRetryInterceptor.builder().maxElapsedTime(Duration.ZERO)))
			.contains("max-elapsed-time");
		assertThat(catchMessage(() -> IdempotentRetryInterceptor.builder().methods(Set.of()))).contains("methods");
	}

	private static String catchMessage(Runnable action) {
		try {
			action.run();
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
		throw new AssertionError("no IllegalArgumentException");
	}

	/**
	 * A 201 whose connection breaks after the first bytes of the body.
	 */
	private static final class BrokenBodyResponse implements ClientHttpResponse {

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatus.CREATED;
		}

		@Override
		public String getStatusText() {
			return "Created";
		}

		@Override
		public HttpHeaders getHeaders() {
			return new HttpHeaders();
		}

		@Override
		public InputStream getBody() {
			return new InputStream() {

				private final InputStream first = new ByteArrayInputStream("{\"id\":".getBytes(StandardCharsets.UTF_8));

				@Override
				public int read() throws IOException {
					int next = this.first.read();
					if (next < 0) {
						throw new IOException("connection reset");
					}
					return next;
				}

			};
		}

		@Override
		public void close() {
		}

	}

}
