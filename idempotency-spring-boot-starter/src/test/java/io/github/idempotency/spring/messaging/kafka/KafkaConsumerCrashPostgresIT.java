package io.github.idempotency.spring.messaging.kafka;

import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.jpa.JpaIdempotencyStore;
import io.github.idempotency.spring.jpa.PostgresTestServer;

/**
 * The consumer crash scenarios with the JPA store on PostgreSQL, in a table of their own.
 */
class KafkaConsumerCrashPostgresIT extends AbstractKafkaConsumerCrashIT {

	private final String table = "kafka_crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

	private HikariDataSource dataSource;

	private JpaIdempotencyStore store;

	@Override
	protected List<String> storeProperties() {
		return List.of(PostgresTestServer.get()
			.springDataSourceProperties("public", "idempotency.store=jpa", "idempotency.jpa.table-name=" + this.table,
					"idempotency.jpa.initialize-schema=always",
					"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"));
	}

	@Override
	protected IdempotencyStore store() {
		if (this.store == null) {
			// created once the consumer created the table; a read holds one connection while it reads the dialect
			this.dataSource = PostgresTestServer.get().newDataSource(2);
			this.store = new JpaIdempotencyStore(this.dataSource, this.table);
		}
		return this.store;
	}

	@Override
	protected void cleanUpStore() {
		try (HikariDataSource cleanUp = PostgresTestServer.get().newDataSource(1)) {
			PostgresTestServer.execute(cleanUp, "DROP TABLE IF EXISTS " + this.table);
		}
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

}
