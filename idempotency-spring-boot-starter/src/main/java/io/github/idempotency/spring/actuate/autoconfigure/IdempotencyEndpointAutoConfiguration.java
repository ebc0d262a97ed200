package io.github.idempotency.spring.actuate.autoconfigure;

import java.time.Clock;
import java.util.List;

import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.IdempotentMethodRegistry;
import io.github.idempotency.spring.actuate.EndpointOperations;
import io.github.idempotency.spring.actuate.IdempotencyEndpoint;
import io.github.idempotency.spring.actuate.RecordDeletionListener;
import io.github.idempotency.spring.actuate.RequestMappingOperations;
import io.github.idempotency.spring.metrics.MicrometerRecordDeletionListener;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Registers the {@code idempotency} actuator endpoint ({@link IdempotencyEndpoint}) when Spring Boot's actuator is
 * present and the application made the endpoint available: exposed over HTTP
 * ({@code management.endpoints.web.exposure.include}) and not switched off
 * ({@code management.endpoint.idempotency.access}). Nothing is exposed by default. With Micrometer, operators' deletes
 * are counted ({@code idempotency.operator.deletions}) unless {@code idempotency.metrics.enabled=false}.
 */
@AutoConfiguration(afterName = { "io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ WebEndpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBooleanProperty(name = "idempotency.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(IdempotencyStore.class)
@ConditionalOnBean(IdempotentMethodRegistry.class)
@ConditionalOnAvailableEndpoint(IdempotencyEndpoint.class)
public final class IdempotencyEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	IdempotencyEndpoint idempotencyEndpoint(IdempotencyStore store, ObjectProvider<IdempotentExecutor> executor,
			IdempotentMethodRegistry methods, ObjectProvider<EndpointOperations> operations,
			ObjectProvider<RecordDeletionListener> listeners) {
		Clock clock = executor.stream().findFirst().map(IdempotentExecutor::clock).orElseGet(Clock::systemUTC);
		List<RecordDeletionListener> deletionListeners = listeners.orderedStream().toList();
		return new IdempotencyEndpoint(store, executor::getIfAvailable, methods,
				operations.getIfAvailable(() -> EndpointOperations.NON_WEB),
				(endpoint, outcome) -> deletionListeners.forEach((listener) -> listener.onDeletion(endpoint, outcome)),
				clock);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(RequestMappingHandlerMapping.class)
	static class WebOperationsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RequestMappingOperations idempotencyEndpointOperations(ObjectProvider<RequestMappingHandlerMapping> mappings) {
			return new RequestMappingOperations(() -> mappings.orderedStream().toList());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	@ConditionalOnBooleanProperty(name = "idempotency.metrics.enabled", matchIfMissing = true)
	static class DeletionMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MicrometerRecordDeletionListener micrometerRecordDeletionListener(MeterRegistry registry) {
			return new MicrometerRecordDeletionListener(registry);
		}

	}

}
