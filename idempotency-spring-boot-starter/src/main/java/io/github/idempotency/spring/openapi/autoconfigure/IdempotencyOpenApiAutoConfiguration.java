package io.github.idempotency.spring.openapi.autoconfigure;

import io.github.idempotency.spring.autoconfigure.IdempotencyProperties;
import io.github.idempotency.spring.openapi.IdempotencyOperationCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Registers an {@link IdempotencyOperationCustomizer} when springdoc-openapi is on the classpath, so that the
 * generated OpenAPI document describes the idempotency key header, {@code Idempotent-Replayed} and the problem
 * responses of every {@code @Idempotent} operation. Off with {@code idempotency.enabled=false} (the annotation then
 * does nothing, so documenting it would mislead) or {@code springdoc.api-docs.enabled=false}.
 */
@AutoConfiguration(afterName = "io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration")
@ConditionalOnClass(OperationCustomizer.class)
@ConditionalOnWebApplication
@ConditionalOnBooleanProperty(name = "idempotency.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "springdoc.api-docs.enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdempotencyProperties.class)
public final class IdempotencyOpenApiAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	IdempotencyOperationCustomizer idempotencyOperationCustomizer(IdempotencyProperties properties) {
		return new IdempotencyOperationCustomizer(properties.getHeaderName(), properties.getKeyMaxLength());
	}

}
