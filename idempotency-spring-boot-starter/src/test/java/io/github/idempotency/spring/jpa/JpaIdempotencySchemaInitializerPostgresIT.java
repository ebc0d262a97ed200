package io.github.idempotency.spring.jpa;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The schema script on a real PostgreSQL, run by an instance that starts while another one holds a write transaction
 * on the table (a payment in {@code join-transaction}, or a slow claim): it must not wait for that transaction, since
 * every later statement on the table would queue behind its lock request, and every instance's requests would stall
 * until the transaction ends.
 */
class JpaIdempotencySchemaInitializerPostgresIT {

	private static final String SCHEMA = AbstractJpaIdempotencyStoreTest.uniqueTableName("idem_init_it");

	private static HikariDataSource dataSource;

	@BeforeAll
	static void createSchema() {
		dataSource = PostgresTestServer.get().newDataSource(4);
		PostgresTestServer.execute(dataSource, "CREATE SCHEMA " + SCHEMA);
	}

	@AfterAll
	static void dropSchema() {
		PostgresTestServer.execute(dataSource, "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
		dataSource.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "unqualified", "qualified", "qualified, mixed case" })
	void aStartingInstanceNeitherWaitsForNorBlocksTransactionsOnAnExistingTable(String name) throws Exception {
		String table = tableName(name);
		AbstractJpaIdempotencyStoreTest.createTable(dataSource, table);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		try (Connection holder = dataSource.getConnection()) {
			holder.setAutoCommit(false);
			try (Statement statement = holder.createStatement()) {
				statement.executeUpdate("INSERT INTO " + table + " (id, state, fingerprint, expires_at, purge_after, "
						+ "created_at) VALUES (repeat('a', 64), 'ONGOING', 'v1:x', now() + INTERVAL '1 minute', "
						+ "now() + INTERVAL '1 minute', now())");
			}
			CompletableFuture<Boolean> secondInstance = CompletableFuture.supplyAsync(
					() -> new JpaIdempotencySchemaInitializer(dataSource, table, DatabaseInitializationMode.ALWAYS)
						.initializeDatabase());
			// either it ends, or its statement is seen waiting for a lock on the table: no timing guess decides
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> secondInstance.isDone() || !lockWaits(jdbc, table).isEmpty());
			List<String> waiting = lockWaits(jdbc, table);
			holder.rollback();
			assertThat(waiting).as("statements waiting for a lock while the table's transaction was open").isEmpty();
			assertThat(secondInstance.get(60, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(indexes(jdbc, table)).contains(indexName(table));
	}

	@ParameterizedTest
	@ValueSource(strings = { "unqualified", "qualified", "qualified, mixed case" })
	void thePurgeIndexIsCreatedWhereTheTableHasNone(String name) {
		String table = tableName(name);
		AbstractJpaIdempotencyStoreTest.createTable(dataSource, table);
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		String index = indexName(table);
		jdbc.execute("DROP INDEX " + (name.startsWith("qualified") ? SCHEMA + "." : "") + index);
		assertThat(indexes(jdbc, table)).doesNotContain(index);

		AbstractJpaIdempotencyStoreTest.createTable(dataSource, table);

		assertThat(indexes(jdbc, table)).contains(index);
	}

	// PostgreSQL folds unquoted names to lower case, in the table's name and in the index's named after it
	private static String tableName(String name) {
		String table = AbstractJpaIdempotencyStoreTest
			.uniqueTableName(name.endsWith("mixed case") ? "Idem_Init" : "idem_init");
		return name.startsWith("qualified") ? SCHEMA + "." + table : table;
	}

	private static String indexName(String table) {
		return unqualified(table).toLowerCase(Locale.ROOT) + "_purge_after_idx";
	}

	private static List<String> lockWaits(JdbcTemplate jdbc, String table) {
		return jdbc.queryForList("SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
				+ "AND datname = current_database() AND position(? IN query) > 0", String.class, unqualified(table));
	}

	private static List<String> indexes(JdbcTemplate jdbc, String table) {
		return jdbc.queryForList("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
				+ "WHERE i.indrelid = to_regclass(?)", String.class, table);
	}

	private static String unqualified(String table) {
		return table.substring(table.lastIndexOf('.') + 1);
	}

}
