package io.github.idempotency.sample;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sends a known sequence of requests to the running sample app, one per outcome at least, and checks what
 * {@code /actuator/prometheus} exposes: the counts the sequence must produce, and every series the Grafana dashboard
 * ({@code dashboards/idempotency-grafana.json}) queries.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "idempotency.store=memory")
class PrometheusExposureIT {

	private static final Path DASHBOARD = Path.of(System.getProperty("basedir", "."))
		.resolve("../dashboards/idempotency-grafana.json");

	private static final String PAYMENT = "{\"amount\": 1250, \"currency\": \"EUR\", \"description\": \"coffee\"}";

	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	@LocalServerPort
	private int port;

	private LocalSampleApp app;

	@Autowired
	private HealthIndicator idempotencyHealthIndicator;

	@BeforeEach
	void connect() {
		this.app = new LocalSampleApp(this.port);
	}

	@Test
	void knownSequenceOfRequestsIsCountedAndExposesEverySeriesTheDashboardQueries() throws Exception {
		Scrape before = scrape();

		String replayedKey = key();
		assertThat(this.app.payment(replayedKey, PAYMENT).statusCode()).isEqualTo(201);
		assertThat(this.app.payment(replayedKey, PAYMENT).headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.app.payment(replayedKey, PAYMENT).statusCode()).isEqualTo(201);

		String mismatchedKey = key();
		assertThat(this.app.payment(mismatchedKey, PAYMENT).statusCode()).isEqualTo(201);
		assertThat(this.app.payment(mismatchedKey, PAYMENT.replace("1250", "999")).statusCode()).isEqualTo(422);

		assertThat(this.app.payment(null, PAYMENT).statusCode()).isEqualTo(400);
		assertThat(this.app.payment("x".repeat(256), PAYMENT).statusCode()).isEqualTo(400);

		assertThat(this.app.payment(key(), simulate("\"psp-unavailable\"")).statusCode()).isEqualTo(503);

		String slowKey = key();
		// long enough that the duplicate below, sent after two scrapes, still finds it running on a loaded machine
		String slowPayment = simulate("\"slow\", \"delayMs\": 10000");
		CompletableFuture<HttpResponse<String>> slow = CompletableFuture
			.supplyAsync(() -> this.app.payment(slowKey, slowPayment));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> scrape().value("idempotency_executions_active") >= 1);
		assertThat(scrape().value("idempotency_executions_oldest_age_seconds")).isGreaterThanOrEqualTo(0);
		assertThat(this.app.payment(slowKey, slowPayment).statusCode()).isEqualTo(409);
		assertThat(slow.get().statusCode()).isEqualTo(201);

		Scrape after = scrape();
		Map<String, Double> expected = new LinkedHashMap<>();
		expected.put("executed", 3.0);
		expected.put("replayed", 2.0);
		expected.put("mismatch", 1.0);
		expected.put("missing_key", 1.0);
		expected.put("invalid_key", 1.0);
		expected.put("released", 1.0);
		expected.put("conflict", 1.0);
		expected.put("store_unavailable", 0.0);
		expected.forEach((outcome, count) -> assertThat(after.delta(before, "idempotency_requests_total",
				"endpoint", "payments", "outcome", outcome))
			.as(outcome)
			.isEqualTo(count));

		assertThat(after.delta(before, "idempotency_store_operations_seconds_count", "store", "memory", "operation",
				"claim", "result", "success")).isEqualTo(8);
		assertThat(after.delta(before, "idempotency_store_operations_seconds_count", "store", "memory", "operation",
				"complete", "result", "success")).isEqualTo(3);
		assertThat(after.delta(before, "idempotency_store_operations_seconds_count", "store", "memory", "operation",
				"release", "result", "success")).isEqualTo(1);
		assertThat(after.delta(before, "idempotency_response_size_bytes_count", "endpoint", "payments")).isEqualTo(3);
		assertThat(after.delta(before, "idempotency_fenced_writes_total", "endpoint", "payments", "operation",
				"complete")).isZero();
		assertThat(after.value("idempotency_executions_active")).isZero();

		Set<String> queried = new TreeSet<>();
		Matcher metric = Pattern.compile("\\bidempotency_[a-z_]+").matcher(Files.readString(DASHBOARD));
		while (metric.find()) {
			queried.add(metric.group());
		}
		assertThat(queried).hasSizeGreaterThanOrEqualTo(8);
		assertThat(after.names()).containsAll(queried);
		// bounded tags: the endpoint is the annotation's name, never a key or a path with an id in it
		assertThat(after.labelValues("idempotency_requests_total", "endpoint")).contains("payments")
			.isSubsetOf("payments", "orders", "order-transitions");
	}

	@Test
	void storeHealthIsReportedAsIdempotency() {
		Health health = this.idempotencyHealthIndicator.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("store", "memory");
	}

	private static String key() {
		return "exposure-" + UUID.randomUUID();
	}

	private static String simulate(String simulation) {
		return "{\"amount\": 1250, \"currency\": \"EUR\", \"simulate\": " + simulation + "}";
	}

	private Scrape scrape() {
		HttpResponse<String> response = this.app.send("GET", "/actuator/prometheus", null);
		assertThat(response.statusCode()).isEqualTo(200);
		return new Scrape(response.body());
	}

	/**
	 * One scrape in the Prometheus text format: series (name and labels) and their values.
	 */
	private static final class Scrape {

		private final Map<String, Map<Map<String, String>, Double>> series = new HashMap<>();

		Scrape(String text) {
			text.lines().filter((line) -> !line.startsWith("#") && !line.isBlank()).forEach((line) -> {
				Matcher sample = SAMPLE.matcher(line);
				if (sample.find()) {
					Map<String, String> labels = new HashMap<>();
					if (sample.group(3) != null) {
						Matcher label = LABEL.matcher(sample.group(3));
						while (label.find()) {
							labels.put(label.group(1), label.group(2));
						}
					}
					this.series.computeIfAbsent(sample.group(1), (name) -> new HashMap<>())
						.put(labels, Double.parseDouble(sample.group(4)));
				}
			});
		}

		Set<String> names() {
			return this.series.keySet();
		}

		Set<String> labelValues(String name, String label) {
			Set<String> values = new TreeSet<>();
			this.series.getOrDefault(name, Map.of()).keySet().forEach((labels) -> values.add(labels.get(label)));
			return values;
		}

		/** The sum of the series of {@code name} whose labels include the given pairs; 0 when none exists yet. */
		double value(String name, String... labelPairs) {
			double sum = 0;
			for (Map.Entry<Map<String, String>, Double> entry : this.series.getOrDefault(name, Map.of()).entrySet()) {
				boolean matches = true;
				for (int i = 0; i < labelPairs.length; i += 2) {
					matches &= labelPairs[i + 1].equals(entry.getKey().get(labelPairs[i]));
				}
				if (matches) {
					sum += entry.getValue();
				}
			}
			return sum;
		}

		double delta(Scrape before, String name, String... labelPairs) {
			return value(name, labelPairs) - before.value(name, labelPairs);
		}

	}

}
