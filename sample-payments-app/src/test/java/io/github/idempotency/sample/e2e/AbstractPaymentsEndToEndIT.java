package io.github.idempotency.sample.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's behaviour over real HTTP, for one idempotency store. A subclass starts the app on its store;
 * every test measures PSP attempts as a difference, so the tests share one running instance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractPaymentsEndToEndIT {

	static final String COFFEE = """
			{"amount": 1250, "currency": "EUR", "description": "coffee"}""";

	static final JsonMapper json = JsonMapper.builder().build();

	RunningApp app;

	ApiClient alice;

	ApiClient bob;

	/**
	 * Starts the app on the store under test.
	 * @param extraProperties properties to add to the store's own
	 * @return the running instance
	 */
	abstract RunningApp startApp(Map<String, String> extraProperties);

	@BeforeAll
	void startApp() {
		this.app = startApp(Map.of());
		this.alice = ApiClient.as(this.app, "alice");
		this.bob = ApiClient.as(this.app, "bob");
	}

	@AfterAll
	void stopApp() throws Exception {
		try {
			if (this.app != null) {
				this.app.close();
			}
		}
		finally {
			afterAppStopped();
		}
	}

	/**
	 * Cleans up what the store under test left behind, once the app is stopped.
	 * @throws Exception if the clean-up fails
	 */
	void afterAppStopped() throws Exception {
	}

	@Test
	void replaysStoredResponseByteForByteWithLocationAndReplayedHeader() {
		String key = newKey();
		long attempts = this.alice.pspAttempts();
		HttpResponse<String> first = this.alice.post("/payments", key, COFFEE);
		HttpResponse<String> replay = this.alice.post("/payments", key, COFFEE);
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(replay.statusCode()).isEqualTo(201);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(replay.body()).isEqualTo(first.body());
		assertThat(replay.headers().firstValue("Location")).isPresent()
			.isEqualTo(first.headers().firstValue("Location"));
		assertThat(replay.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts + 1);
		JsonNode payment = read(first);
		assertThat(first.headers().firstValue("Location")).hasValue("/payments/" + payment.get("id").asString());
		assertThat(payment.get("amount").asLong()).isEqualTo(1250);
		assertThat(payment.get("status").asString()).isEqualTo("CAPTURED");
	}

	@Test
	void sevenSendsOfOneKeyChargeOnce() {
		String key = newKey();
		String body = """
				{"amount": 1250, "currency": "EUR", "description": "seven-%s"}""".formatted(key);
		long attempts = this.alice.pspAttempts();
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			statuses.add(this.alice.post("/payments", key, body).statusCode());
		}
		assertThat(statuses).containsOnly(201);
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts + 1);
		assertThat(this.alice.get("/payments").body()).containsOnlyOnce("seven-" + key);
	}

	@Test
	void sameKeyWithAnotherBodyIsUnprocessable() {
		String key = newKey();
		long attempts = this.alice.pspAttempts();
		assertThat(this.alice.post("/payments", key, COFFEE).statusCode()).isEqualTo(201);
		HttpResponse<String> mismatch = this.alice.post("/payments", key, """
				{"amount": 9999, "currency": "EUR", "description": "coffee"}""");
		assertThat(mismatch.statusCode()).isEqualTo(422);
		assertThat(mismatch.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts + 1);
	}

	@Test
	void missingKeyIsRejected() {
		long attempts = this.alice.pspAttempts();
		HttpResponse<String> response = this.alice.post("/payments", null, COFFEE);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 256 })
	void emptyOrTooLongKeyIsRejected(int length) {
		long attempts = this.alice.pspAttempts();
		HttpResponse<String> response = this.alice.post("/payments", "k".repeat(length), COFFEE);
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts);
	}

	@Test
	void nonAsciiKeyIsRejected() {
		long attempts = this.alice.pspAttempts();
		assertThat(this.alice.postWithUtf8Key("/payments", "clé-" + newKey(), COFFEE)).isEqualTo(400);
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts);
	}

	@Test
	void keyOfMaximumLengthIsAccepted() {
		String key = (newKey() + "k".repeat(255)).substring(0, 255);
		assertThat(this.alice.post("/payments", key, COFFEE).statusCode()).isEqualTo(201);
	}

	@Test
	void declineIsStoredAndReplayed() {
		String key = newKey();
		String declined = """
				{"amount": 500, "currency": "EUR", "description": "declined", "simulate": "decline"}""";
		long attempts = this.alice.pspAttempts();
		HttpResponse<String> first = this.alice.post("/payments", key, declined);
		HttpResponse<String> replay = this.alice.post("/payments", key, declined);
		assertThat(first.statusCode()).isEqualTo(402);
		assertThat(read(first).get("type").asString()).endsWith("/payment-declined");
		assertThat(replay.statusCode()).isEqualTo(402);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(replay.body()).isEqualTo(first.body());
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts + 1);
	}

	@Test
	void pspOutageReleasesKeySoRetryReachesPspAgain() {
		String key = newKey();
		String outage = """
				{"amount": 700, "currency": "EUR", "description": "outage", "simulate": "psp-unavailable"}""";
		long attempts = this.alice.pspAttempts();
		HttpResponse<String> first = this.alice.post("/payments", key, outage);
		HttpResponse<String> retry = this.alice.post("/payments", key, outage);
		assertThat(first.statusCode()).isEqualTo(503);
		assertThat(retry.statusCode()).isEqualTo(503);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts + 2);
	}

	@Test
	void concurrentDuplicatesChargeOnce() throws Exception {
		String key = newKey();
		String slow = """
				{"amount": 800, "currency": "EUR", "description": "slow", "simulate": "slow", "delayMs": 300}""";
		long attempts = this.alice.pspAttempts();
		List<HttpResponse<String>> responses = inParallel(40,
				(i) -> () -> this.alice.post("/payments", key, slow));
		assertThat(responses).extracting(HttpResponse::statusCode).isSubsetOf(201, 409).contains(201);
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts + 1);
	}

	@Test
	void racingSendsOfManyKeysChargeOncePerKey() throws Exception {
		String prefix = newKey();
		long attempts = this.alice.pspAttempts();
		List<HttpResponse<String>> responses = inParallel(1000,
				(i) -> () -> this.alice.post("/payments", prefix + "-" + (i % 200), COFFEE));
		assertThat(responses).extracting(HttpResponse::statusCode).isSubsetOf(201, 409);
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts + 200);
	}

	@Test
	void twoUsersWithTheSameKeyBothExecute() {
		String key = newKey();
		long attempts = this.alice.pspAttempts();
		HttpResponse<String> byAlice = this.alice.post("/payments", key, COFFEE);
		HttpResponse<String> byBob = this.bob.post("/payments", key, COFFEE);
		assertThat(byAlice.statusCode()).isEqualTo(201);
		assertThat(byBob.statusCode()).isEqualTo(201);
		assertThat(byBob.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(read(byBob).get("id").asString()).isNotEqualTo(read(byAlice).get("id").asString());
		assertThat(this.alice.pspAttempts()).isEqualTo(attempts + 2);
	}

	@Test
	void aUserSeesOnlyTheirOwnPayments() {
		HttpResponse<String> created = this.alice.post("/payments", newKey(), COFFEE);
		String location = created.headers().firstValue("Location").orElseThrow();
		assertThat(this.alice.get(location).statusCode()).isEqualTo(200);
		HttpResponse<String> byBob = this.bob.get(location);
		assertThat(byBob.statusCode()).isEqualTo(404);
		assertThat(read(byBob).get("type").asString()).endsWith("/payment-not-found");
		assertThat(this.bob.get("/payments").body()).doesNotContain(read(created).get("id").asString());
	}

	@Test
	void sameKeyOnPaymentsAndOrdersIsIndependent() {
		String key = newKey();
		HttpResponse<String> payment = this.alice.post("/payments", key, COFFEE);
		HttpResponse<String> order = this.alice.post("/orders", key, """
				{"sku": "BOOK-1", "quantity": 2}""");
		assertThat(payment.statusCode()).isEqualTo(201);
		assertThat(order.statusCode()).isEqualTo(201);
		assertThat(order.headers().firstValue("Idempotent-Replayed")).isEmpty();
		JsonNode created = read(order);
		assertThat(created.get("state").asString()).isEqualTo("CREATED");
		assertThat(created.get("transitions").asInt()).isZero();
		assertThat(order.headers().firstValue("Location")).hasValue("/orders/" + created.get("id").asString());
	}

	@Test
	void sameTransitionFromTwoClientsRunsOnce() {
		String order = createOrder();
		String paid = """
				{"from": "CREATED", "to": "PAID"}""";
		HttpResponse<String> byAlice = this.alice.post("/orders/" + order + "/transitions", null, paid);
		HttpResponse<String> byBob = this.bob.post("/orders/" + order + "/transitions", null, paid);
		assertThat(byAlice.statusCode()).isEqualTo(200);
		assertThat(byBob.statusCode()).isEqualTo(200);
		assertThat(byBob.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(byBob.body()).isEqualTo(byAlice.body());
		JsonNode current = read(this.bob.get("/orders/" + order));
		assertThat(current.get("state").asString()).isEqualTo("PAID");
		assertThat(current.get("transitions").asInt()).isEqualTo(1);
	}

	@Test
	void sameTransitionFromManyClientsAtOnceRunsOnce() throws Exception {
		String order = createOrder();
		String paid = """
				{"from": "CREATED", "to": "PAID"}""";
		List<HttpResponse<String>> responses = inParallel(10, (i) -> () -> ((i % 2 == 0) ? this.alice : this.bob)
			.post("/orders/" + order + "/transitions", null, paid));
		assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
		assertThat(read(this.alice.get("/orders/" + order)).get("transitions").asInt()).isEqualTo(1);
	}

	@Test
	void illegalTransitionIsAConflict() {
		String order = createOrder();
		HttpResponse<String> response = this.alice.post("/orders/" + order + "/transitions", null, """
				{"from": "CREATED", "to": "SHIPPED"}""");
		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(read(response).get("type").asString()).endsWith("/illegal-transition");
		assertThat(read(this.alice.get("/orders/" + order)).get("state").asString()).isEqualTo("CREATED");
	}

	@Test
	void invalidPaymentIsABadRequestProblem() {
		HttpResponse<String> response = this.alice.post("/payments", newKey(), """
				{"amount": 0, "currency": "XYZ"}""");
		assertThat(response.statusCode()).isEqualTo(400);
		JsonNode problem = read(response);
		assertThat(problem.get("type").asString()).endsWith("/invalid-request");
		assertThat(problem.get("errors")).hasSize(2);
	}

	@Test
	void keyExecutesAgainOnceItsTtlHasPassed() {
		try (RunningApp shortTtl = startApp(Map.of("idempotency.ttl", "2s"))) {
			ApiClient alice = ApiClient.as(shortTtl, "alice");
			String key = newKey();
			long attempts = alice.pspAttempts();
			long started = System.nanoTime();
			assertThat(alice.post("/payments", key, COFFEE).statusCode()).isEqualTo(201);
			assertThat(alice.post("/payments", key, COFFEE).headers().firstValue("Idempotent-Replayed"))
				.hasValue("true");
			HttpResponse<String> again = await().atMost(Duration.ofSeconds(15))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> alice.post("/payments", key, COFFEE),
						(response) -> response.headers().firstValue("Idempotent-Replayed").isEmpty());
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
			assertThat(again.statusCode()).isEqualTo(201);
			assertThat(alice.pspAttempts()).isEqualTo(attempts + 2);
		}
	}

	@Test
	void healthAndPrometheusAreOpenAndTheApiIsNot() {
		ApiClient anonymous = ApiClient.anonymous(this.app);
		assertThat(anonymous.get("/actuator/health").statusCode()).isEqualTo(200);
		assertThat(read(anonymous.get("/actuator/health")).get("status").asString()).isEqualTo("UP");
		assertThat(anonymous.get("/actuator/prometheus").statusCode()).isEqualTo(200);
		assertThat(anonymous.post("/payments", newKey(), COFFEE).statusCode()).isEqualTo(401);
	}

	String createOrder() {
		HttpResponse<String> created = this.alice.post("/orders", newKey(), """
				{"sku": "BOOK-1", "quantity": 2}""");
		assertThat(created.statusCode()).isEqualTo(201);
		return read(created).get("id").asString();
	}

	static String newKey() {
		return UUID.randomUUID().toString();
	}

	static JsonNode read(HttpResponse<String> response) {
		return json.readTree(response.body());
	}

	/**
	 * Sends requests from a pool of threads, released together.
	 * @param count how many requests
	 * @param request the request to send, by index
	 * @return the responses in index order
	 */
	static List<HttpResponse<String>> inParallel(int count, RequestFactory request) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(Math.min(count, 40));
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<HttpResponse<String>>> futures = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				Callable<HttpResponse<String>> task = request.create(i);
				futures.add(pool.submit(() -> {
					start.await();
					return task.call();
				}));
			}
			start.countDown();
			List<HttpResponse<String>> responses = new ArrayList<>();
			for (Future<HttpResponse<String>> future : futures) {
				responses.add(future.get(2, TimeUnit.MINUTES));
			}
			return responses;
		}
		finally {
			pool.shutdownNow();
		}
	}

	@FunctionalInterface
	interface RequestFactory {

		Callable<HttpResponse<String>> create(int index);

	}

}
