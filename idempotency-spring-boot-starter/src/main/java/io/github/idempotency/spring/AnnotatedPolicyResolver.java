package io.github.idempotency.spring;

import java.time.Duration;

import io.github.idempotency.core.execution.ConflictStrategy;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.spring.IdempotentMethodDefaults.EndpointOverrides;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.PropertyResolver;
import org.springframework.util.StringUtils;

/**
 * Resolves the {@link ExecutionPolicy} of an {@code @Idempotent} method: what the annotation sets, else the
 * endpoint's settings, else the global defaults. An invalid duration or combination fails with a message that names
 * the method.
 */
final class AnnotatedPolicyResolver {

	private final IdempotentMethodDefaults defaults;

	private final PropertyResolver placeholders;

	/**
	 * @param defaults the global and per-endpoint settings
	 * @param placeholders resolves {@code ${...}} in the annotation's durations
	 */
	AnnotatedPolicyResolver(IdempotentMethodDefaults defaults, PropertyResolver placeholders) {
		this.defaults = defaults;
		this.placeholders = placeholders;
	}

	ExecutionPolicy policy(Idempotent annotation, String endpoint, String description) {
		EndpointOverrides overrides = this.defaults.endpoint(endpoint);
		Duration lease = duration(annotation.lease(), "lease", description, overrides.lease(), this.defaults.lease());
		Duration ttl = duration(annotation.ttl(), "ttl", description, overrides.ttl(), this.defaults.ttl());
		ConflictStrategy onConflict = switch (annotation.onConflict()) {
			case REJECT -> ConflictStrategy.REJECT;
			case WAIT -> ConflictStrategy.WAIT;
			case DEFAULT -> (overrides.onConflict() != null) ? overrides.onConflict() : this.defaults.onConflict();
		};
		Duration waitTimeout = (overrides.waitTimeout() != null) ? overrides.waitTimeout()
				: this.defaults.waitTimeout();
		try {
			Duration maxExecutionTime = (overrides.maxExecutionTime() != null) ? overrides.maxExecutionTime()
					: this.defaults.maxExecutionTime();
			return new ExecutionPolicy(endpoint, lease, ttl, onConflict, waitTimeout, this.defaults.storeFailure(),
					maxExecutionTime);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid idempotency settings for " + description + ": " + ex.getMessage(),
					ex);
		}
	}

	private Duration duration(String value, String attribute, String description, @Nullable Duration endpointValue,
			Duration globalValue) {
		if (!StringUtils.hasText(value)) {
			return (endpointValue != null) ? endpointValue : globalValue;
		}
		try {
			return DurationStyle.detectAndParse(this.placeholders.resolveRequiredPlaceholders(value).trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid " + attribute + " '" + value + "' in @Idempotent on "
					+ description + ": use a duration such as 30s, 24h or PT24H");
		}
	}

}
