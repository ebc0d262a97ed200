package io.github.idempotency.spring.jpa.autoconfigure;

import javax.sql.DataSource;

import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.IdempotencyAdvisor;
import io.github.idempotency.spring.IdempotencyOrder;
import io.github.idempotency.spring.autoconfigure.ConditionalOnIdempotencyStore;
import io.github.idempotency.spring.autoconfigure.IdempotencyProperties;
import io.github.idempotency.spring.autoconfigure.InvalidIdempotencyConfigurationException;
import io.github.idempotency.spring.autoconfigure.JpaStoreProperties;
import io.github.idempotency.spring.autoconfigure.StoreType;
import io.github.idempotency.spring.jpa.JpaIdempotencySchemaInitializer;
import io.github.idempotency.spring.jpa.JpaIdempotencyStore;
import io.github.idempotency.spring.jpa.RenewalConnectionPool;
import io.github.idempotency.spring.jpa.ScheduledPurge;
import io.github.idempotency.spring.jpa.TransactionalCompletion;
import jakarta.persistence.EntityManagerFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.EntityManagerFactoryInfo;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionAttributeSourceAdvisor;
import org.springframework.transaction.interceptor.TransactionInterceptor;

/**
 * Auto-configures the {@link JpaIdempotencyStore} when the application has an {@link EntityManagerFactory} and
 * {@code idempotency.store} is {@code jpa} or {@code auto} (after Redis: a {@code RedisConnectionFactory} wins the
 * {@code auto} choice). A {@code DataSource} alone never switches it on; {@code idempotency.store=jpa} without an
 * {@code EntityManagerFactory} fails at start-up in {@code IdempotencyAutoConfiguration}. Also configures the table's
 * schema initialization, the scheduled purge of expired records and, with {@code idempotency.jpa.join-transaction}, the
 * {@link TransactionalCompletion} that writes completions in the method's own transaction.
 */
@AutoConfiguration(
		after = { HibernateJpaAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class },
		afterName = "io.github.idempotency.spring.redis.autoconfigure.RedisIdempotencyStoreAutoConfiguration")
@ConditionalOnClass({ EntityManagerFactory.class, JdbcTemplate.class, PlatformTransactionManager.class })
@ConditionalOnIdempotencyStore(StoreType.JPA)
@EnableConfigurationProperties(IdempotencyProperties.class)
public final class JpaIdempotencyStoreAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(IdempotencyStore.class)
	@ConditionalOnSingleCandidate(EntityManagerFactory.class)
	JpaIdempotencyStore jpaIdempotencyStore(EntityManagerFactory entityManagerFactory,
			ObjectProvider<DataSource> dataSources, IdempotencyProperties properties,
			ObjectProvider<RenewalConnectionPool> renewalConnections) {
		JpaIdempotencyStore store = new JpaIdempotencyStore(dataSourceOf(entityManagerFactory, dataSources),
				tableName(properties.getJpa().getTableName()));
		renewalConnections.ifAvailable((pool) -> store.setRenewalDataSource(pool.dataSource()));
		return store;
	}

	// A bean, not a DataSource bean (which would make the application's DataSource ambiguous), so that the context
	// closes it.
	@Bean
	@ConditionalOnBean(JpaIdempotencyStore.class)
	@ConditionalOnMissingBean
	@ConditionalOnSingleCandidate(EntityManagerFactory.class)
	@Nullable RenewalConnectionPool jpaIdempotencyRenewalConnections(EntityManagerFactory entityManagerFactory,
			ObjectProvider<DataSource> dataSources, IdempotencyProperties properties) {
		int size = properties.getJpa().getRenewalPoolSize();
		if (size < 0) {
			throw new InvalidIdempotencyConfigurationException("idempotency.jpa.renewal-pool-size", size,
					"idempotency.jpa.renewal-pool-size must not be negative",
					"Set idempotency.jpa.renewal-pool-size to e.g. 2, or 0 to renew through the application's pool.");
		}
		return (size > 0) ? RenewalConnectionPool.derivedFrom(dataSourceOf(entityManagerFactory, dataSources), size)
				: null;
	}

	// Takes the DataSource, not the store: Spring Boot creates every EntityManagerFactory after the database
	// initializers, and the store needs the EntityManagerFactory.
	@Bean
	@ConditionalOnBean(JpaIdempotencyStore.class)
	@ConditionalOnSingleCandidate(DataSource.class)
	@ConditionalOnMissingBean
	JpaIdempotencySchemaInitializer jpaIdempotencySchemaInitializer(DataSource dataSource,
			IdempotencyProperties properties) {
		DatabaseInitializationMode mode = switch (properties.getJpa().getInitializeSchema()) {
			case ALWAYS -> DatabaseInitializationMode.ALWAYS;
			case NEVER -> DatabaseInitializationMode.NEVER;
			case EMBEDDED -> DatabaseInitializationMode.EMBEDDED;
		};
		return new JpaIdempotencySchemaInitializer(dataSource, tableName(properties.getJpa().getTableName()), mode);
	}

	@Bean
	@ConditionalOnBean(JpaIdempotencyStore.class)
	@ConditionalOnMissingBean
	ScheduledPurge jpaIdempotencyScheduledPurge(JpaIdempotencyStore store, IdempotencyProperties properties) {
		JpaStoreProperties jpa = properties.getJpa();
		if (jpa.getPurgeInterval() == null || jpa.getPurgeInterval().toMillis() < 1) {
			throw new InvalidIdempotencyConfigurationException("idempotency.jpa.purge-interval",
					jpa.getPurgeInterval(), "The purge interval must be at least one millisecond",
					"Set idempotency.jpa.purge-interval to e.g. 5m.");
		}
		if (jpa.getPurgeBatchSize() < 1) {
			throw new InvalidIdempotencyConfigurationException("idempotency.jpa.purge-batch-size",
					jpa.getPurgeBatchSize(), "The purge batch size must be at least 1",
					"Set idempotency.jpa.purge-batch-size to e.g. 1000.");
		}
		return new ScheduledPurge(store, jpa.getPurgeInterval(), jpa.getPurgeBatchSize());
	}

	@Bean
	@ConditionalOnBean(JpaIdempotencyStore.class)
	@ConditionalOnBooleanProperty("idempotency.jpa.join-transaction")
	@ConditionalOnMissingBean
	TransactionalCompletion jpaIdempotencyTransactionalCompletion(JpaIdempotencyStore store,
			ObjectProvider<PlatformTransactionManager> transactionManagers,
			ObjectProvider<IdempotencyAdvisor> idempotencyAdvisors, ObjectProvider<Advisor> advisors,
			ObjectProvider<TransactionAttributeSource> transactionAttributeSources) {
		PlatformTransactionManager transactionManager = transactionManagers.getIfUnique();
		if (transactionManager == null) {
			throw new InvalidIdempotencyConfigurationException("idempotency.jpa.join-transaction", true,
					"Joining the method's transaction needs exactly one (or one primary) PlatformTransactionManager",
					"Mark one PlatformTransactionManager @Primary, or set idempotency.jpa.join-transaction=false.");
		}
		IdempotencyAdvisor idempotencyAdvisor = idempotencyAdvisors.getIfUnique();
		if (idempotencyAdvisor != null) {
			requireOutsideTransactions(idempotencyAdvisor.getOrder(), advisors);
		}
		// the source @Transactional advice reads, so that the methods' rollback rules are read the same way
		TransactionAttributeSource rollbackRules = transactionAttributeSources
			.getIfUnique(() -> new AnnotationTransactionAttributeSource(false));
		return new TransactionalCompletion(store, transactionManager, rollbackRules);
	}

	// At run time a transaction opened first would only be noticed on the first call; the advisors' orders tell now.
	private static void requireOutsideTransactions(int idempotencyOrder, ObjectProvider<Advisor> advisors) {
		advisors.orderedStream()
			.filter(JpaIdempotencyStoreAutoConfiguration::isTransactionAdvisor)
			.map((advisor) -> ((Ordered) advisor).getOrder())
			.filter((transactionOrder) -> idempotencyOrder >= transactionOrder)
			.findFirst()
			.ifPresent((transactionOrder) -> {
				throw new InvalidIdempotencyConfigurationException("idempotency.interceptor-order", idempotencyOrder,
						"idempotency.jpa.join-transaction needs the idempotency interceptor outside @Transactional, "
								+ "whose advisor has order " + transactionOrder + ": use an order below it (the "
								+ "default, IdempotencyOrder.DEFAULT, is " + IdempotencyOrder.DEFAULT + ")",
						"Set idempotency.interceptor-order below " + transactionOrder + ".");
			});
	}

	private static boolean isTransactionAdvisor(Advisor advisor) {
		return advisor instanceof Ordered && (advisor instanceof TransactionAttributeSourceAdvisor
				|| advisor.getAdvice() instanceof TransactionInterceptor);
	}

	private static DataSource dataSourceOf(EntityManagerFactory entityManagerFactory,
			ObjectProvider<DataSource> dataSources) {
		if (entityManagerFactory instanceof EntityManagerFactoryInfo info && info.getDataSource() != null) {
			return info.getDataSource();
		}
		DataSource dataSource = dataSources.getIfUnique();
		if (dataSource == null) {
			throw new IllegalStateException("The JPA idempotency store could not find the DataSource of the "
					+ "EntityManagerFactory; define an IdempotencyStore bean (a JpaIdempotencyStore on that DataSource)");
		}
		return dataSource;
	}

	private static String tableName(String tableName) {
		try {
			return JpaIdempotencyStore.validateTableName(tableName);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidIdempotencyConfigurationException("idempotency.jpa.table-name", tableName,
					String.valueOf(ex.getMessage()), "Use a plain or schema-qualified SQL identifier.");
		}
	}

}
