package io.github.idempotency.spring.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.core.execution.StoreOperation;
import io.github.idempotency.core.execution.StoreOperationResult;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the Grafana dashboard and the alert rules shipped in {@code dashboards/} against the series a Prometheus
 * registry exposes for {@link MicrometerIdempotencyListener} and {@link IdempotencyExecutionMeters}: every metric a
 * query names must be one this library publishes. {@code scripts/check-dashboard.sh} runs the same queries against a
 * real Prometheus scraping the sample app.
 */
class IdempotencyDashboardTest {

	private static final Path DASHBOARDS = Path.of(System.getProperty("basedir", ".")).resolve("../dashboards");

	private static final Pattern METRIC = Pattern.compile("\\bidempotency_[a-z_]+");

	private static final Pattern ALERT_EXPR = Pattern.compile("(?m)^\\s*expr:\\s*(\\|\\s*\\n((?:\\s{10,}.*\\n)+)|(.+))");

	private static Set<String> exposed;

	private static JsonNode dashboard;

	@BeforeAll
	static void scrapeEveryMeter() throws IOException {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		MicrometerIdempotencyListener listener = new MicrometerIdempotencyListener(registry);
		for (RequestOutcome outcome : RequestOutcome.values()) {
			listener.onOutcome("POST /payments", outcome);
		}
		listener.onStoreOperation("memory", StoreOperation.CLAIM, StoreOperationResult.SUCCESS, Duration.ofMillis(1));
		listener.onFencedWrite("POST /payments", StoreOperation.COMPLETE);
		listener.onResponseStored("POST /payments", 120);
		new IdempotencyExecutionMeters(() -> null).bindTo(registry);
		exposed = registry.scrape()
			.lines()
			.filter((line) -> !line.startsWith("#") && !line.isBlank())
			.map((line) -> line.split("[{ ]", 2)[0])
			.collect(Collectors.toCollection(TreeSet::new));
		dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARDS.resolve("idempotency-grafana.json")));
	}

	@Test
	void everyDashboardQueryNamesOnlyExposedMetrics() {
		List<String> queries = dashboardQueries();
		assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
		for (String query : queries) {
			assertThat(metricsIn(query)).as(query).isNotEmpty().allSatisfy((metric) -> assertThat(exposed)
				.as("metric %s of query %s", metric, query)
				.contains(metric));
		}
	}

	@Test
	void dashboardCoversEveryPublishedMetric() {
		Set<String> queried = dashboardQueries().stream()
			.flatMap((query) -> metricsIn(query).stream())
			.collect(Collectors.toSet());
		assertThat(queried).contains("idempotency_requests_total", "idempotency_store_operations_seconds_bucket",
				"idempotency_store_operations_seconds_count", "idempotency_executions_active",
				"idempotency_executions_oldest_age_seconds", "idempotency_fenced_writes_total",
				"idempotency_response_size_bytes_sum", "idempotency_response_size_bytes_count");
	}

	@Test
	void dashboardReadsFromTheDatasourceVariable() {
		JsonNode variables = dashboard.path("templating").path("list");
		assertThat(variables.values()).anySatisfy((variable) -> {
			assertThat(variable.path("name").asString()).isEqualTo("DS_PROMETHEUS");
			assertThat(variable.path("type").asString()).isEqualTo("datasource");
			assertThat(variable.path("query").asString()).isEqualTo("prometheus");
		});
		for (JsonNode panel : dashboard.path("panels").values()) {
			if (!"row".equals(panel.path("type").asString())) {
				assertThat(panel.path("datasource").path("uid").asString()).as(panel.path("title").asString())
					.isEqualTo("${DS_PROMETHEUS}");
				for (JsonNode target : panel.path("targets").values()) {
					assertThat(target.path("datasource").path("uid").asString()).isEqualTo("${DS_PROMETHEUS}");
				}
			}
		}
		assertThat(dashboard.path("uid").asString()).isEqualTo("idempotency");
		assertThat(dashboard.has("id")).as("an importable dashboard carries no database id").isFalse();
	}

	@Test
	void everyAlertRuleNamesOnlyExposedMetrics() throws IOException {
		String rules = Files.readString(DASHBOARDS.resolve("idempotency-alerts.yml"));
		Matcher matcher = ALERT_EXPR.matcher(rules);
		List<String> expressions = new ArrayList<>();
		while (matcher.find()) {
			expressions.add((matcher.group(2) != null) ? matcher.group(2) : matcher.group(3));
		}
		assertThat(expressions).hasSize(6);
		for (String expression : expressions) {
			assertThat(metricsIn(expression)).as(expression).isNotEmpty().allSatisfy((metric) -> assertThat(exposed)
				.as("metric %s of rule %s", metric, expression)
				.contains(metric));
		}
	}

	@Test
	void tagValuesQueriedByTheDashboardAreOnesTheListenerWrites() {
		Pattern outcomes = Pattern.compile("outcome=~?\"([a-z_|]+)\"");
		Set<String> known = new TreeSet<>();
		for (RequestOutcome outcome : RequestOutcome.values()) {
			known.add(outcome.tagValue());
		}
		for (String query : dashboardQueries()) {
			Matcher matcher = outcomes.matcher(query);
			while (matcher.find()) {
				assertThat(known).as(query).contains(matcher.group(1).split("\\|"));
			}
		}
	}

	private static List<String> dashboardQueries() {
		List<String> queries = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels").values()) {
			for (JsonNode target : panel.path("targets").values()) {
				queries.add(target.path("expr").asString());
			}
		}
		return queries;
	}

	private static Set<String> metricsIn(String query) {
		Set<String> metrics = new TreeSet<>();
		Matcher matcher = METRIC.matcher(query);
		while (matcher.find()) {
			metrics.add(matcher.group());
		}
		return metrics;
	}

}
