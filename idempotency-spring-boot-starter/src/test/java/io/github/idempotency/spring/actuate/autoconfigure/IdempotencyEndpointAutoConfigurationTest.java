package io.github.idempotency.spring.actuate.autoconfigure;

import java.time.Clock;

import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.spring.IdempotentMethodRegistry;
import io.github.idempotency.spring.actuate.EndpointOperations;
import io.github.idempotency.spring.actuate.IdempotencyEndpoint;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import io.github.idempotency.spring.metrics.MicrometerRecordDeletionListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyEndpointAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(IdempotencyAutoConfiguration.class, IdempotencyEndpointAutoConfiguration.class))
		.withPropertyValues("idempotency.store=memory");

	private final ApplicationContextRunner exposed = this.runner
		.withPropertyValues("management.endpoints.web.exposure.include=idempotency");

	@Test
	void notRegisteredUnlessTheApplicationExposesIt() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(IdempotencyEndpoint.class));
	}

	@Test
	void registeredWhenExposedOverHttp() {
		this.exposed.run((context) -> assertThat(context).hasSingleBean(IdempotencyEndpoint.class));
	}

	@Test
	void notRegisteredWhenItsAccessIsNone() {
		this.exposed.withPropertyValues("management.endpoint.idempotency.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyEndpoint.class));
	}

	@Test
	void backsOffWithoutTheActuator() {
		this.exposed.withClassLoader(new FilteredClassLoader(WebEndpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(IdempotencyEndpoint.class));
	}

	@Test
	void backsOffWhenIdempotencyIsDisabled() {
		this.exposed.withPropertyValues("idempotency.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(IdempotencyEndpoint.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwn() {
		this.exposed.withBean("myIdempotencyEndpoint", IdempotencyEndpoint.class,
				() -> new IdempotencyEndpoint(new InMemoryIdempotencyStore(), () -> null,
						new IdempotentMethodRegistry(null, null, null, () -> null), EndpointOperations.NON_WEB,
						(endpoint, outcome) -> {
						}, Clock.systemUTC()))
			.run((context) -> assertThat(context).hasSingleBean(IdempotencyEndpoint.class)
				.hasBean("myIdempotencyEndpoint"));
	}

	@Test
	void countsDeletesWhenAMeterRegistryExists() {
		this.exposed.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(MicrometerRecordDeletionListener.class));
	}

	@Test
	void noDeletionMetricsWhenIdempotencyMetricsAreOff() {
		this.exposed.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("idempotency.metrics.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(IdempotencyEndpoint.class)
				.doesNotHaveBean(MicrometerRecordDeletionListener.class));
	}

}
