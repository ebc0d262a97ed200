package io.github.idempotency.client.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import io.github.idempotency.client.IdempotencyKeyGenerator;
import io.github.idempotency.client.IdempotentRetryInterceptor;
import io.github.idempotency.client.IdempotentRetryListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.client.RestClient;

/**
 * Creates the {@link IdempotentRetryInterceptor} bean from {@code idempotency.client.*}, with the application's
 * {@link IdempotencyKeyGenerator} bean when it has one and every {@link IdempotentRetryListener} bean. Apply the bean
 * to the builders of the clients that call idempotent servers
 * ({@code builder.requestInterceptor(interceptor)}), or set {@code idempotency.client.customize-rest-client-builder}
 * to apply it to every {@code RestClient.Builder} Boot builds. Switched off with
 * {@code idempotency.client.enabled=false}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnClass(RestClient.class)
@ConditionalOnBooleanProperty(name = "idempotency.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdempotencyClientProperties.class)
public final class IdempotencyClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	IdempotentRetryInterceptor idempotentRetryInterceptor(IdempotencyClientProperties properties,
			ObjectProvider<IdempotencyKeyGenerator> keyGenerator, ObjectProvider<IdempotentRetryListener> listeners) {
		Set<HttpMethod> methods = new LinkedHashSet<>();
		for (String method : properties.getMethods()) {
			methods.add(HttpMethod.valueOf(method.trim().toUpperCase(Locale.ROOT)));
		}
		IdempotentRetryInterceptor.Builder builder = IdempotentRetryInterceptor.builder();
		try {
			builder.headerName(properties.getHeaderName())
				.methods(methods)
				.maxAttempts(properties.getMaxAttempts())
				.maxElapsedTime(properties.getMaxElapsedTime())
				.backoff(properties.getInitialDelay(), properties.getMultiplier(), properties.getMaxDelay());
		}
		catch (IllegalArgumentException ex) {
			// the builder names the setting; the user wrote it under this prefix
			throw new IllegalStateException("Invalid idempotency.client configuration: " + ex.getMessage(), ex);
		}
		keyGenerator.ifAvailable(builder::keyGenerator);
		listeners.orderedStream().forEach(builder::listener);
		return builder.build();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RestClientCustomizer.class)
	@ConditionalOnBooleanProperty("idempotency.client.customize-rest-client-builder")
	static class RestClientBuilderConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "idempotentRetryRestClientCustomizer")
		RestClientCustomizer idempotentRetryRestClientCustomizer(IdempotentRetryInterceptor interceptor) {
			return (builder) -> builder.requestInterceptor(interceptor);
		}

	}

}
