package io.github.idempotency.sample.e2e;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.idempotency.client.IdempotentRetryInterceptor;
import io.github.idempotency.client.metrics.MicrometerIdempotentRetryListener;
import io.github.idempotency.sample.psp.FakePaymentProcessor;
import io.github.idempotency.sample.e2e.FaultInjectingProxy.Exchange;
import io.github.idempotency.sample.e2e.FaultInjectingProxy.Fault;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The retrying client of {@code idempotency-client} against the sample app over real HTTP, through a
 * {@link FaultInjectingProxy}: a lost response is retried with the same key and replayed, a request in progress is
 * waited out, a mismatch is not retried, and in every case the PSP counts what the key allows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotentClientIT {

	private static final String COFFEE = """
			{"amount": 1250, "currency": "EUR", "description": "coffee"}""";

	private RunningApp app;

	private ApiClient alice;

	private FaultInjectingProxy proxy;

	private SimpleMeterRegistry meters;

	@BeforeAll
	void startApp() {
		this.app = RunningApp.start(null, Map.of());
		this.alice = ApiClient.as(this.app, "alice");
	}

	@AfterAll
	void stopApp() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@BeforeEach
	void startProxy() throws IOException {
		this.proxy = new FaultInjectingProxy(this.app.uri("/"));
		this.meters = new SimpleMeterRegistry();
	}

	@AfterEach
	void stopProxy() {
		this.proxy.close();
	}

	private RestClient client(int maxAttempts) {
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
		requestFactory.setReadTimeout(Duration.ofSeconds(30));
		return RestClient.builder()
			.baseUrl(this.proxy.uri().toString())
			.requestFactory(requestFactory)
			.defaultHeaders((headers) -> headers.setBasicAuth("alice", "alice-secret"))
			.requestInterceptor(IdempotentRetryInterceptor.builder()
				.maxAttempts(maxAttempts)
				.maxElapsedTime(Duration.ofSeconds(30))
				.backoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(100))
				.listener(new MicrometerIdempotentRetryListener(this.meters))
				.build())
			.build();
	}

	private ResponseEntity<String> pay(RestClient client, String body) {
		return client.post()
			.uri("/payments")
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.toEntity(String.class);
	}

	private double attempts(String outcome) {
		return this.meters.get("idempotency.client.attempts").tag("outcome", outcome).counter().count();
	}

	private double replays() {
		return this.meters.get("idempotency.client.replays").counter().count();
	}

	@Test
	void aLostResponseIsRetriedWithTheSameKeyAndTheReplayCountsOnePspAttempt() {
		long pspBefore = this.alice.pspAttempts();
		this.proxy.script(Fault.DROP_RESPONSE);

		ResponseEntity<String> response = pay(client(4), COFFEE);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(response.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
		assertThat(response.getHeaders().getLocation()).isNotNull();
		assertThat(response.getBody()).contains("\"status\":\"CAPTURED\"");
		List<Exchange> exchanges = this.proxy.exchanges();
		assertThat(exchanges).extracting(Exchange::fault).containsExactly(Fault.DROP_RESPONSE, Fault.FORWARD);
		assertThat(exchanges).extracting(Exchange::appStatus).containsExactly(201, 201);
		assertThat(exchanges).extracting(Exchange::key).doesNotContainNull().containsOnly(exchanges.get(0).key());
		assertThat(this.alice.pspAttempts() - pspBefore).isEqualTo(1);
		assertThat(attempts("io_error")).isEqualTo(1);
		assertThat(attempts("success")).isEqualTo(1);
		assertThat(replays()).isEqualTo(1);
	}

	@Test
	void aConflictWithRetryAfterIsRetriedUntilTheResult() {
		long pspBefore = this.alice.pspAttempts();
		this.proxy.script(Fault.ANSWER_IN_PROGRESS, Fault.ANSWER_IN_PROGRESS);

		ResponseEntity<String> response = pay(client(4), COFFEE);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(response.getHeaders().getFirst("Idempotent-Replayed")).isNull();
		List<Exchange> exchanges = this.proxy.exchanges();
		assertThat(exchanges).extracting(Exchange::fault)
			.containsExactly(Fault.ANSWER_IN_PROGRESS, Fault.ANSWER_IN_PROGRESS, Fault.FORWARD);
		assertThat(exchanges).extracting(Exchange::key).doesNotContainNull().containsOnly(exchanges.get(0).key());
		assertThat(this.alice.pspAttempts() - pspBefore).isEqualTo(1);
		assertThat(attempts("retryable_status")).isEqualTo(2);
	}

	@Test
	void aRetryWhileTheFirstAttemptStillRunsWaitsForItsResult() {
		long pspBefore = this.alice.pspAttempts();
		FakePaymentProcessor psp = this.app.context().getBean(FakePaymentProcessor.class);
		// the first attempt's connection is lost once the app holds its key and the PSP call (5 s) has begun: each
		// retry meets the running request (the app's 409 with Retry-After, waited out) or, past it, its replay
		this.proxy.whileRunning(() -> psp.attempts() > pspBefore);
		this.proxy.script(Fault.DROP_CONNECTION_WHILE_RUNNING);

		ResponseEntity<String> response = pay(client(20), """
				{"amount": 900, "currency": "EUR", "description": "slow tea", "simulate": "slow", "delayMs": 5000}""");

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(response.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.proxy.exchanges()).extracting(Exchange::fault)
				.contains(Fault.DROP_CONNECTION_WHILE_RUNNING));
		List<Exchange> exchanges = this.proxy.exchanges();
		assertThat(exchanges).extracting(Exchange::appStatus).containsOnly(409, 201);
		assertThat(exchanges).extracting(Exchange::key).doesNotContainNull().containsOnly(exchanges.get(0).key());
		assertThat(this.alice.pspAttempts() - pspBefore).isEqualTo(1);
		assertThat(replays()).isEqualTo(1);
	}

	@Test
	void aMismatchIsNotRetried() {
		long pspBefore = this.alice.pspAttempts();
		RestClient client = client(4);
		String key = "client-it-mismatch-" + System.nanoTime();
		client.post()
			.uri("/payments")
			.header("Idempotency-Key", key)
			.contentType(MediaType.APPLICATION_JSON)
			.body(COFFEE)
			.retrieve()
			.toBodilessEntity();
		this.proxy.script();

		assertThatExceptionOfType(HttpClientErrorException.UnprocessableContent.class)
			.isThrownBy(() -> client.post()
				.uri("/payments")
				.header("Idempotency-Key", key)
				.contentType(MediaType.APPLICATION_JSON)
				.body(COFFEE.replace("1250", "9999"))
				.retrieve()
				.toBodilessEntity())
			.satisfies((ex) -> assertThat(ex.getResponseBodyAsString()).contains("key-mismatch"));

		assertThat(this.proxy.exchanges()).extracting(Exchange::appStatus).containsExactly(422);
		assertThat(this.proxy.exchanges()).extracting(Exchange::key).containsExactly(key);
		assertThat(this.alice.pspAttempts() - pspBefore).isEqualTo(1);
		assertThat(attempts("not_retryable")).isEqualTo(1);
	}

	@Test
	void aServerErrorThatReleasedTheKeyIsRetriedUpToTheAttemptLimit() {
		long pspBefore = this.alice.pspAttempts();

		assertThatExceptionOfType(HttpServerErrorException.ServiceUnavailable.class).isThrownBy(() -> pay(client(3), """
				{"amount": 500, "currency": "EUR", "description": "outage", "simulate": "psp-unavailable"}"""));

		List<Exchange> exchanges = this.proxy.exchanges();
		assertThat(exchanges).extracting(Exchange::appStatus).containsExactly(503, 503, 503);
		assertThat(exchanges).extracting(Exchange::key).doesNotContainNull().containsOnly(exchanges.get(0).key());
		// each 503 released the key, so each retry reached the PSP again
		assertThat(this.alice.pspAttempts() - pspBefore).isEqualTo(3);
		assertThat(this.meters.get("idempotency.client.retries.exhausted")
			.tag("outcome", "retryable_status")
			.counter()
			.count()).isEqualTo(1);
	}

}
