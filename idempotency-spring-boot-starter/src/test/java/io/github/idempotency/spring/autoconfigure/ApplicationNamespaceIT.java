package io.github.idempotency.spring.autoconfigure;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ClaimOutcome;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.spring.jpa.PostgresTestServer;
import io.github.idempotency.spring.jpa.autoconfigure.JpaIdempotencyStoreAutoConfiguration;
import io.github.idempotency.spring.redis.RedisTestServer;
import io.github.idempotency.spring.redis.autoconfigure.RedisIdempotencyStoreAutoConfiguration;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two applications, {@code billing} and {@code shipping}, on one real Redis and on one real PostgreSQL table: the same
 * caller and key run in both, because records are namespaced by {@code spring.application.name}. Names, prefixes and
 * the table are unique to the run, so parallel runs on the shared servers never meet.
 */
class ApplicationNamespaceIT {

	private static final IdempotencyKey KEY = IdempotencyKey.of("principal:alice", "POST /u5/charge", "key-1");

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/u5/charge", "{}");

	private static final ExecutionPolicy POLICY = ExecutionPolicy.defaults("charge");

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	@Test
	void twoApplicationsOnOneRedisBothExecuteTheSameCallerAndKey() {
		ApplicationContextRunner redis = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					RedisIdempotencyStoreAutoConfiguration.class, IdempotencyAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.url=" + RedisTestServer.url(), "idempotency.store=redis",
					"idempotency.redis.eviction-policy-check=warn");
		String billing = "billing-" + this.run;
		String shipping = "shipping-" + this.run;
		redis.withPropertyValues("spring.application.name=" + billing).run((billingApp) -> {
			finish(billingApp);
			assertThat(keys(billingApp, billing)).hasSize(1);
			redis.withPropertyValues("spring.application.name=" + shipping).run((shippingApp) -> {
				assertExecutes(shippingApp);
				assertThat(keys(shippingApp, shipping)).isEmpty();
			});
			// the control: a second instance of billing shares billing's records
			redis.withPropertyValues("spring.application.name=" + billing)
				.run((billingInstance) -> assertReplays(billingInstance));
		});
	}

	@Test
	void twoApplicationsOnOneTableBothExecuteTheSameCallerAndKey() {
		String table = "idem_ns_" + this.run.replace('-', '_');
		PostgresTestServer postgres = PostgresTestServer.get();
		ApplicationContextRunner jpa = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
					TransactionAutoConfiguration.class, JpaIdempotencyStoreAutoConfiguration.class,
					IdempotencyAutoConfiguration.class))
			.withPropertyValues(postgres.springDataSourceProperties("public", "idempotency.store=jpa",
					"idempotency.jpa.table-name=" + table, "idempotency.jpa.initialize-schema=always"));
		try {
			jpa.withPropertyValues("spring.application.name=billing").run((billingApp) -> {
				finish(billingApp);
				// shipping runs the same caller and key, and keeps its own record next to billing's
				jpa.withPropertyValues("spring.application.name=shipping").run(ApplicationNamespaceIT::finish);
				jpa.withPropertyValues("spring.application.name=billing").run(this::assertReplays);
				assertThat(new JdbcTemplate(billingApp.getBean(DataSource.class))
					.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class)).isEqualTo(2);
			});
		}
		finally {
			try (HikariDataSource dataSource = postgres.newDataSource(1)) {
				PostgresTestServer.execute(dataSource, "DROP TABLE IF EXISTS " + table);
			}
		}
	}

	@Test
	void explicitNamespaceOverridesTheApplicationName() {
		IdempotencyProperties properties = new IdempotencyProperties();
		assertThat(properties.namespaceFor("billing")).isEqualTo("billing");
		assertThat(properties.namespaceFor(null)).isEmpty();
		properties.setNamespace("payments");
		assertThat(properties.namespaceFor("billing")).isEqualTo("payments");
		properties.setNamespace("");
		assertThat(properties.namespaceFor("billing")).isEmpty();
		assertThat(properties.getRedis().keyPrefixFor("")).isEqualTo("idempotency:");
		assertThat(properties.getRedis().keyPrefixFor("billing")).isEqualTo("idempotency:billing:");
		properties.getRedis().setKeyPrefix("pay:");
		assertThat(properties.getRedis().keyPrefixFor("billing")).isEqualTo("pay:");
	}

	/** The keys under the prefix derived from an application's name. */
	private static Set<String> keys(AssertableApplicationContext context, String applicationName) {
		return context.getBean(StringRedisTemplate.class).keys("idempotency:" + applicationName + ":{*");
	}

	private static void finish(AssertableApplicationContext context) throws InterruptedException {
		ClaimOutcome outcome = context.getBean(IdempotentExecutor.class).claim(KEY, FINGERPRINT, POLICY);
		assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
		((ClaimOutcome.Acquired) outcome).execution()
			.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), "{\"app\":\"billing\"}".getBytes()));
	}

	private void assertExecutes(AssertableApplicationContext context) throws InterruptedException {
		ClaimOutcome outcome = context.getBean(IdempotentExecutor.class).claim(KEY, FINGERPRINT, POLICY);
		assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
		((ClaimOutcome.Acquired) outcome).execution().release();
	}

	private void assertReplays(AssertableApplicationContext context) throws InterruptedException {
		assertThat(context.getBean(IdempotentExecutor.class).claim(KEY, FINGERPRINT, POLICY))
			.isInstanceOf(ClaimOutcome.Replay.class);
	}

}
