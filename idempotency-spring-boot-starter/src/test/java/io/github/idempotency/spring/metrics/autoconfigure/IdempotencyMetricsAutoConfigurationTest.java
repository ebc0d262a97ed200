package io.github.idempotency.spring.metrics.autoconfigure;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.execution.ClaimOutcome;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import io.github.idempotency.spring.metrics.IdempotencyExecutionMeters;
import io.github.idempotency.spring.metrics.MemoryStoreMeters;
import io.github.idempotency.spring.metrics.MicrometerIdempotencyListener;
import io.github.idempotency.spring.metrics.IdempotencyMetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyMetricsAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				IdempotencyMetricsAutoConfiguration.class))
		.withUserConfiguration(ExecutorConfiguration.class);

	@Test
	void registersListenerWhoseMetersCountWhatTheExecutorReports() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(MicrometerIdempotencyListener.class)
				.hasSingleBean(IdempotencyExecutionMeters.class);
			IdempotentExecutor executor = context.getBean(IdempotentExecutor.class);
			ClaimOutcome claim = executor.claim(IdempotencyKey.of("", "orders", "k"), RequestFingerprint.of("x"),
					ExecutionPolicy.defaults("orders"));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get(IdempotencyMetricNames.EXECUTIONS_ACTIVE).gauge().value()).isEqualTo(1);
			((ClaimOutcome.Acquired) claim).execution().close();
			assertThat(registry.get(IdempotencyMetricNames.EXECUTIONS_ACTIVE).gauge().value()).isZero();
			assertThat(registry.get(IdempotencyMetricNames.REQUESTS)
				.tags("endpoint", "orders", "outcome", RequestOutcome.RELEASED.tagValue())
				.counter()
				.count()).isEqualTo(1);
			assertThat(registry.get(IdempotencyMetricNames.STORE_OPERATIONS)
				.tags("store", "memory", "operation", "claim", "result", "success")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void memoryStoreBoundsComeFromPropertiesAndItsFillLevelIsMetered() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					IdempotencyAutoConfiguration.class, IdempotencyMetricsAutoConfiguration.class))
			.withPropertyValues("idempotency.store=memory", "idempotency.memory.max-records=2",
					"idempotency.memory.max-bytes=10MB")
			.run((context) -> {
				InMemoryIdempotencyStore store = context.getBean(InMemoryIdempotencyStore.class);
				assertThat(store.maxRecords()).isEqualTo(2);
				assertThat(store.maxBytes()).isEqualTo(10L * 1024 * 1024);
				IdempotentExecutor executor = context.getBean(IdempotentExecutor.class);
				ExecutionPolicy policy = ExecutionPolicy.defaults("orders");
				for (String key : new String[] { "a", "b", "c" }) {
					executor.claim(IdempotencyKey.of("", "orders", key), RequestFingerprint.of("x"), policy);
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get(IdempotencyMetricNames.MEMORY_RECORDS).gauge().value()).isEqualTo(2);
				assertThat(registry.get(IdempotencyMetricNames.MEMORY_BYTES).gauge().value())
					.isEqualTo((double) store.bytesHeld())
					.isPositive();
				assertThat(registry.get(IdempotencyMetricNames.MEMORY_REFUSED_CLAIMS).functionCounter().count())
					.isEqualTo(1);
			});
	}

	@Test
	void invalidMemoryBoundFailsAtStartUpNamingTheProperty() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.withPropertyValues("idempotency.store=memory", "idempotency.memory.max-records=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("idempotency.memory.max-records"));
	}

	@Test
	void noMemoryStoreMetersForAnotherStore() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(MemoryStoreMeters.class));
	}

	@Test
	void backsOffWithoutMeterRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(IdempotencyMetricsAutoConfiguration.class))
			.withUserConfiguration(ExecutorConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(MicrometerIdempotencyListener.class)
				.doesNotHaveBean(IdempotencyExecutionMeters.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		new ApplicationContextRunner().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.withConfiguration(AutoConfigurations.of(IdempotencyMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(MicrometerIdempotencyListener.class));
	}

	@Test
	void switchedOffByProperty() {
		this.runner.withPropertyValues("idempotency.metrics.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(MicrometerIdempotencyListener.class)
				.doesNotHaveBean(IdempotencyExecutionMeters.class));
	}

	@Test
	void switchedOffWithIdempotency() {
		this.runner.withPropertyValues("idempotency.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MicrometerIdempotencyListener.class));
	}

	@Test
	void backsOffFromUsersOwnListener() {
		this.runner.withUserConfiguration(CustomListenerConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(MicrometerIdempotencyListener.class)
				.getBean(MicrometerIdempotencyListener.class)
				.isSameAs(context.getBean("customListener")));
	}

	@Test
	void gaugesReadZeroWithoutAnExecutor() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					IdempotencyMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(MeterRegistry.class)
				.get(IdempotencyMetricNames.EXECUTIONS_OLDEST_AGE)
				.gauge()
				.value()).isZero());
	}

	/**
	 * Stands for the core auto-configuration: an executor built with every listener bean.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ExecutorConfiguration {

		@Bean(destroyMethod = "close")
		IdempotentExecutor idempotentExecutor(ObjectProvider<IdempotencyListener> listeners) {
			IdempotencyListener listener = listeners.orderedStream().findFirst().orElse(IdempotencyListener.NONE);
			return IdempotentExecutor.builder(new InMemoryIdempotencyStore()).listener(listener).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomListenerConfiguration {

		@Bean
		MicrometerIdempotencyListener customListener(MeterRegistry registry) {
			return new MicrometerIdempotencyListener(registry);
		}

	}

}
