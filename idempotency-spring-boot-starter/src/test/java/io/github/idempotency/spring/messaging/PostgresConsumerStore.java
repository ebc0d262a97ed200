package io.github.idempotency.spring.messaging;

import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.jpa.JpaIdempotencyStore;
import io.github.idempotency.spring.jpa.PostgresTestServer;

/**
 * The JPA store on the PostgreSQL of {@link PostgresTestServer}, in a table of its own that the consumer creates and
 * the clean-up drops.
 */
public final class PostgresConsumerStore implements DurableConsumerStore {

	private final String table;

	private HikariDataSource dataSource;

	private JpaIdempotencyStore reader;

	/**
	 * @param tablePrefix the start of the table's name, which a random suffix makes the run's own
	 */
	public PostgresConsumerStore(String tablePrefix) {
		this.table = tablePrefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	@Override
	public List<String> properties() {
		return List.of(PostgresTestServer.get()
			.springDataSourceProperties("public", "idempotency.store=jpa", "idempotency.jpa.table-name=" + this.table,
					"idempotency.jpa.initialize-schema=always",
					"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"));
	}

	@Override
	public IdempotencyStore reader() {
		if (this.reader == null) {
			// created once the consumer created the table; a read holds one connection while it reads the dialect
			this.dataSource = PostgresTestServer.get().newDataSource(2);
			this.reader = new JpaIdempotencyStore(this.dataSource, this.table);
		}
		return this.reader;
	}

	@Override
	public void cleanUp() {
		try (HikariDataSource cleanUp = PostgresTestServer.get().newDataSource(1)) {
			PostgresTestServer.execute(cleanUp, "DROP TABLE IF EXISTS " + this.table);
		}
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

}
