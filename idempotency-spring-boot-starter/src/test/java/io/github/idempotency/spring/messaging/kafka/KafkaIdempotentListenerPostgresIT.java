package io.github.idempotency.spring.messaging.kafka;

import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.spring.jpa.PostgresTestServer;

/**
 * The Kafka listener scenarios with the JPA store on PostgreSQL, in a table of their own.
 */
class KafkaIdempotentListenerPostgresIT extends AbstractKafkaIdempotentListenerIT {

	private final String table = "kafka_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

	@Override
	protected List<String> storeProperties() {
		return List.of(PostgresTestServer.get()
			.springDataSourceProperties("public", "idempotency.store=jpa", "idempotency.jpa.table-name=" + this.table,
					"idempotency.jpa.initialize-schema=always",
					"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"));
	}

	@Override
	protected void cleanUpStore() {
		try (HikariDataSource dataSource = PostgresTestServer.get().newDataSource(1)) {
			PostgresTestServer.execute(dataSource, "DROP TABLE IF EXISTS " + this.table);
		}
	}

}
