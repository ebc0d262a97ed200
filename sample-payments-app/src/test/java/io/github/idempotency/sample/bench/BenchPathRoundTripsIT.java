package io.github.idempotency.sample.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.sample.SamplePaymentsApplication;
import io.github.idempotency.spring.jpa.PostgresTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a request on {@code /bench/idem} sends to a real PostgreSQL in the profiles that {@code scripts/bench.sh}
 * runs ({@code postgres,bench}), counted on the JDBC connections the application borrows
 * ({@link CountingHikariDataSource}): the cost budget of issue 14, at most two statements for a first request and one
 * statement that writes nothing for a replay, with no transaction around them (each auto-committed), as the
 * hand-written ideal path ({@code PostgresIdealPath}) pays.
 */
class BenchPathRoundTripsIT {

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private static final String CLAIM = "statement: WITH claimed AS (INSERT INTO bench_idempotency_record";

	private static final String COMPLETION = "statement: UPDATE bench_idempotency_record SET state = ?";

	private static final String SCHEMA = "bench_round_trips_" + UUID.randomUUID().toString().replace("-", "");

	private static HikariDataSource admin;

	@BeforeAll
	static void createSchema() {
		admin = PostgresTestServer.get().newDataSource(1);
		PostgresTestServer.execute(admin, "CREATE SCHEMA " + SCHEMA);
	}

	@AfterAll
	static void dropSchema() {
		PostgresTestServer.execute(admin, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
		admin.close();
	}

	@Test
	void aFirstRequestSendsTheClaimAndTheCompletionEachAutoCommitted() throws Exception {
		try (ConfigurableApplicationContext app = start(Map.of())) {
			CountingHikariDataSource pool = app.getBean(CountingHikariDataSource.class);
			warmUp(app);

			pool.clear();
			HttpResponse<String> first = post(app, newKey());
			assertThat(first.statusCode()).isEqualTo(201);
			assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
			List<String> calls = pool.calls();
			assertThat(calls).as("a first request's round trips").hasSize(2);
			assertThat(calls.get(0)).as("the claim").startsWith(CLAIM).contains("ON CONFLICT");
			assertThat(calls.get(1)).as("the completion").startsWith(COMPLETION);
		}
	}

	@Test
	void aReplaySendsOneStatementThatWritesNothing() throws Exception {
		try (ConfigurableApplicationContext app = start(Map.of())) {
			CountingHikariDataSource pool = app.getBean(CountingHikariDataSource.class);
			warmUp(app);
			String key = newKey();
			assertThat(post(app, key).statusCode()).isEqualTo(201);
			List<String> rowVersions = rowVersions();

			pool.clear();
			HttpResponse<String> replay = post(app, key);
			assertThat(replay.statusCode()).isEqualTo(201);
			assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
			assertThat(pool.calls()).as("a replay's round trips").hasSize(1).allMatch((call) -> call.startsWith(CLAIM));
			assertThat(rowVersions()).as("every row's version and locker after the replay").isEqualTo(rowVersions);
		}
	}

	// What join-transaction costs, which the bench profile therefore leaves off (the ideal path joins no
	// transaction): the provisional completion in the handler's transaction, its commit, and the rendered response
	// attached after the commit.
	@Test
	void joinedToATransactionAFirstRequestWritesItsRecordOnceMoreAndCommits() throws Exception {
		try (ConfigurableApplicationContext app = start(Map.of("idempotency.jpa.join-transaction", "true"))) {
			CountingHikariDataSource pool = app.getBean(CountingHikariDataSource.class);
			warmUp(app);

			pool.clear();
			assertThat(post(app, newKey()).statusCode()).isEqualTo(201);
			List<String> calls = pool.calls();
			assertThat(calls).contains("setAutoCommit(false)");
			assertThat(roundTrips(calls)).hasSize(4)
				.satisfies((trips) -> assertThat(trips.get(0)).startsWith(CLAIM))
				.satisfies((trips) -> assertThat(trips.get(1)).startsWith(COMPLETION))
				.satisfies((trips) -> assertThat(trips.get(2)).isEqualTo("commit"))
				.satisfies((trips) -> assertThat(trips.get(3)).startsWith(COMPLETION));
		}
	}

	private static ConfigurableApplicationContext start(Map<String, String> extraProperties) {
		List<String> args = new ArrayList<>();
		// the order scripts/bench.sh uses: the bench profile's settings win over the postgres profile's
		args.add("--spring.profiles.active=postgres,bench");
		args.add("--server.port=0");
		for (String property : PostgresTestServer.get().springDataSourceProperties(SCHEMA)) {
			args.add("--" + property);
		}
		args.add("--spring.jpa.properties.hibernate.default_schema=" + SCHEMA);
		args.add("--spring.datasource.type=" + CountingHikariDataSource.class.getName());
		// the scheduled purge is not part of a request; its first run (half an interval at the earliest) stays out
		// of the counts
		args.add("--idempotency.jpa.purge-interval=1h");
		extraProperties.forEach((name, value) -> args.add("--" + name + "=" + value));
		return new SpringApplicationBuilder(SamplePaymentsApplication.class).run(args.toArray(String[]::new));
	}

	/** One request before counting, so that first uses (the database's dialect, prepared statements) are done. */
	private static void warmUp(ConfigurableApplicationContext app) throws Exception {
		assertThat(post(app, newKey()).statusCode()).isEqualTo(201);
	}

	private static HttpResponse<String> post(ConfigurableApplicationContext app, String key) throws Exception {
		URI uri = URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port")
				+ "/bench/idem");
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString("{\"sku\":\"BOOK-1\",\"qty\":2}"))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** Statements, commits and rollbacks: what reaches the server, one round trip each. */
	private static List<String> roundTrips(List<String> calls) {
		return calls.stream().filter((call) -> !call.equals("setAutoCommit(false)")).toList();
	}

	/** Where every record row is and which transactions wrote and locked it: any write or row lock changes it. */
	private static List<String> rowVersions() {
		return new JdbcTemplate(admin).queryForList("SELECT id || ' ' || ctid::text || ' ' || xmin::text || ' ' "
				+ "|| xmax::text FROM " + SCHEMA + ".bench_idempotency_record ORDER BY id", String.class);
	}

	private static String newKey() {
		return UUID.randomUUID().toString();
	}

}
