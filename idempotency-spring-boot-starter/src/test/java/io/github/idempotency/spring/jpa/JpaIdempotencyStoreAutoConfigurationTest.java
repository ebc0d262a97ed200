package io.github.idempotency.spring.jpa;

import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import io.github.idempotency.spring.jpa.autoconfigure.JpaIdempotencyStoreAutoConfiguration;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the JPA store is configured, and when it is not.
 */
class JpaIdempotencyStoreAutoConfigurationTest {

	// with the database initialization ordering of a Spring Boot application
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, DataSourceInitializationAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
				TransactionAutoConfiguration.class, JpaIdempotencyStoreAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

	private final ApplicationContextRunner dataSourceOnly = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JpaIdempotencyStoreAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

	@Test
	void autoPicksTheJpaStoreWhenAnEntityManagerFactoryExists() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(JpaIdempotencyStore.class)
				.hasSingleBean(JpaIdempotencySchemaInitializer.class)
				.hasSingleBean(ScheduledPurge.class)
				.doesNotHaveBean(TransactionalCompletion.class);
			assertThat(context.getBean(IdempotencyStore.class).name()).isEqualTo("jpa");
			assertThat(context.getBean(ScheduledPurge.class).isRunning()).isTrue();
			assertThat(context.getBeanFactory().getBeanDefinition("entityManagerFactory").getDependsOn())
				.as("created after the table").contains("jpaIdempotencySchemaInitializer");
		});
	}

	@Test
	void storeWorksOnTheEntityManagerFactorysDatabaseWithItsEmbeddedSchema() {
		this.runner.run((context) -> {
			IdempotencyStore store = context.getBean(IdempotencyStore.class);
			assertThat(store.claim(IdempotencyKey.of("", "op", "k").storageKey(), RequestFingerprint.of("x"),
					Instant.now(), java.time.Duration.ofSeconds(30)))
				.isInstanceOf(io.github.idempotency.core.ClaimResult.Claimed.class);
			assertThat(((JpaIdempotencyStore) store).getDataSource()).isSameAs(context.getBean(DataSource.class));
		});
	}

	@Test
	void explicitJpaStoreIsConfigured() {
		this.runner.withPropertyValues("idempotency.store=jpa")
			.run((context) -> assertThat(context).hasSingleBean(JpaIdempotencyStore.class));
	}

	@Test
	void otherExplicitStoresTurnItOff() {
		this.runner.withPropertyValues("idempotency.store=memory")
			.run((context) -> assertThat(context).doesNotHaveBean(JpaIdempotencyStore.class)
				.doesNotHaveBean(ScheduledPurge.class));
		this.runner.withPropertyValues("idempotency.store=redis")
			.run((context) -> assertThat(context).doesNotHaveBean(JpaIdempotencyStore.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesAStore() {
		this.runner.withUserConfiguration(OwnStore.class)
			.run((context) -> assertThat(context).doesNotHaveBean(JpaIdempotencyStore.class)
				.doesNotHaveBean(ScheduledPurge.class)
				.getBean(IdempotencyStore.class)
				.isInstanceOf(InMemoryIdempotencyStore.class));
	}

	@Test
	void aDataSourceAloneDoesNotSwitchItOn() {
		this.dataSourceOnly.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(IdempotencyStore.class));
	}

	@Test
	void withoutJpaOnTheClassPathNothingIsConfigured() {
		this.dataSourceOnly.withClassLoader(new FilteredClassLoader(EntityManagerFactory.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JpaIdempotencyStore.class));
	}

	@Test
	void explicitJpaStoreWithoutAnEntityManagerFactoryFailsNamingTheProperty() {
		this.dataSourceOnly.withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.withPropertyValues("idempotency.store=jpa")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("idempotency.store");
			});
	}

	@Test
	void memoryStoreOfTheCoreConfigurationStepsAsideForTheJpaStore() {
		this.runner.withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(IdempotencyStore.class)
				.getBean(IdempotencyStore.class)
				.isInstanceOf(JpaIdempotencyStore.class));
	}

	@Test
	void invalidTableNameFailsNamingTheProperty() {
		this.runner.withPropertyValues("idempotency.jpa.table-name=records; DROP TABLE x").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("idempotency.jpa.table-name");
		});
	}

	@Test
	void invalidPurgeIntervalFailsNamingTheProperty() {
		this.runner.withPropertyValues("idempotency.jpa.purge-interval=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("idempotency.jpa.purge-interval");
		});
	}

	@Test
	void configuredTableIsCreatedOnAnEmbeddedDatabase() {
		this.runner.withPropertyValues("idempotency.jpa.table-name=app_idempotency").run((context) -> {
			assertThat(rows(context.getBean(DataSource.class), "app_idempotency")).isZero();
			assertThat(context.getBean(JpaIdempotencyStore.class).getTableName()).isEqualTo("app_idempotency");
		});
	}

	@Test
	void schemaInitializationCanBeTurnedOff() {
		this.runner.withPropertyValues("idempotency.jpa.initialize-schema=never", "idempotency.jpa.table-name=absent")
			.run((context) -> assertThat(tableExists(context.getBean(DataSource.class), "ABSENT")).isFalse());
	}

	@Test
	void joinTransactionConfiguresTheTransactionalCompletion() {
		this.runner.withPropertyValues("idempotency.jpa.join-transaction=true")
			.run((context) -> assertThat(context).hasSingleBean(TransactionalCompletion.class));
	}

	private static int rows(DataSource dataSource, String table) {
		return new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
	}

	private static boolean tableExists(DataSource dataSource, String table) {
		return new JdbcTemplate(dataSource).queryForObject(
				"SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = ?", Integer.class, table) > 0;
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnStore {

		@Bean
		IdempotencyStore ownStore() {
			return new InMemoryIdempotencyStore();
		}

	}

}
