package io.github.idempotency.spring.health;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.spring.redis.EvictionPolicyCheck;
import io.github.idempotency.spring.jpa.JpaIdempotencySchemaInitializer;
import io.github.idempotency.spring.jpa.JpaIdempotencyStore;
import io.github.idempotency.spring.jpa.PostgresTestServer;
import io.github.idempotency.spring.redis.RedisIdempotencyStore;
import io.github.idempotency.spring.redis.RedisServerProcess;
import io.github.idempotency.spring.redis.RedisTestServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code idempotency} health indicator on the real stores: Redis (the shared server, and one of the test's own
 * that it stops) and PostgreSQL through the JPA store.
 */
class IdempotencyStoreHealthIT {

	@Test
	void redisStoreIsUpAndReportsItsEvictionPolicy() {
		LettuceConnectionFactory connectionFactory = RedisTestServer.connectionFactory();
		try {
			RedisIdempotencyStore store = new RedisIdempotencyStore(connectionFactory,
					RedisTestServer.uniquePrefix(getClass()));
			Health health = new IdempotencyStoreHealthIndicator(store, Clock.systemUTC(),
					List.of(new RedisEvictionPolicyProbe(connectionFactory, EvictionPolicyCheck.FAIL)))
				.health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("store", "redis")
				.containsEntry("maxmemoryPolicy", "noeviction");
		}
		finally {
			connectionFactory.destroy();
		}
	}

	@Test
	void redisStoreIsDownOnceItsServerStops() {
		Optional<Path> binary = RedisServerProcess.binary();
		assumeTrue(binary.isPresent(), "No redis-server binary runs here (neither the machine's nor the embedded "
				+ "artifact's): skipping the test, which stops a server of its own");
		try (RedisServerProcess server = RedisServerProcess.start(binary.get())) {
			LettuceConnectionFactory connectionFactory = RedisTestServer.connectionFactory(server.url(),
					Duration.ofMillis(500));
			try {
				IdempotencyStoreHealthIndicator indicator = new IdempotencyStoreHealthIndicator(
						new RedisIdempotencyStore(connectionFactory, RedisTestServer.uniquePrefix(getClass())),
						Clock.systemUTC(),
						List.of(new RedisEvictionPolicyProbe(connectionFactory, EvictionPolicyCheck.FAIL)));
				assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
				server.kill();
				Health health = indicator.health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("store", "redis").containsKey("error");
			}
			finally {
				connectionFactory.destroy();
			}
		}
	}

	@Test
	void jpaStoreOnPostgresIsUpWithItsTableAndDownWithout() {
		String table = "health_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try (HikariDataSource dataSource = PostgresTestServer.get().newDataSource(2)) {
			new JpaIdempotencySchemaInitializer(dataSource, table, DatabaseInitializationMode.ALWAYS)
				.initializeDatabase();
			IdempotencyStoreHealthIndicator indicator = new IdempotencyStoreHealthIndicator(
					new JpaIdempotencyStore(dataSource, table), Clock.systemUTC(), List.of());
			try {
				Health health = indicator.health(true);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("store", "jpa").containsKey("latency");
			}
			finally {
				PostgresTestServer.execute(dataSource, "DROP TABLE IF EXISTS " + table);
			}
			Health missingTable = indicator.health(true);
			assertThat(missingTable.getStatus()).isEqualTo(Status.DOWN);
			assertThat(missingTable.getDetails().get("error").toString()).contains(table);
		}
	}

}
