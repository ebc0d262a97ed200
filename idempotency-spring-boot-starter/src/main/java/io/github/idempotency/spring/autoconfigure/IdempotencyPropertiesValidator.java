package io.github.idempotency.spring.autoconfigure;

import java.time.Duration;

import io.github.idempotency.core.IdempotencyKey;
import org.jspecify.annotations.Nullable;

/**
 * Checks the {@code idempotency.*} properties that the binder cannot, at start-up, with a failure that names the
 * property ({@link InvalidIdempotencyConfigurationException}).
 */
final class IdempotencyPropertiesValidator {

	private IdempotencyPropertiesValidator() {
	}

static void validate(IdempotencyProperties properties) {
	int keyMaxLength = properties.getKeyMaxLength();
	if (keyMaxLength < 1 || keyMaxLength > IdempotencyKey.MAX_LENGTH) {
		throw new InvalidIdempotencyConfigurationException("idempotency.key-max-length", keyMaxLength,
				"idempotency.key-max-length is " + keyMaxLength + " but must be between 1 and "
						+ IdempotencyKey.MAX_LENGTH,
				"Set idempotency.key-max-length to a value from 1 to " + IdempotencyKey.MAX_LENGTH + ".");
	}
	requirePositive("idempotency.ttl", properties.getTtl());
	requirePositive("idempotency.lease", properties.getLease());
	requireNotNegative("idempotency.wait-timeout", properties.getWaitTimeout());
	if (properties.getMaxExecutionTime() != null) {
		requirePositive("idempotency.max-execution-time", properties.getMaxExecutionTime());
	}
	properties.getEndpoints().forEach((name, endpoint) -> {
		String prefix = "idempotency.endpoints." + name + ".";
		if (endpoint.getTtl() != null) {
			requirePositive(prefix + "ttl", endpoint.getTtl());
		}
		if (endpoint.getLease() != null) {
			requirePositive(prefix + "lease", endpoint.getLease());
		}
		if (endpoint.getWaitTimeout() != null) {
			requireNotNegative(prefix + "wait-timeout", endpoint.getWaitTimeout());
		}
		if (endpoint.getMaxExecutionTime() != null) {
			requirePositive(prefix + "max-execution-time", endpoint.getMaxExecutionTime());
		}
	});
	if (properties.getMaxResponseSize() == null || properties.getMaxResponseSize().isNegative()) {
		throw new InvalidIdempotencyConfigurationException("idempotency.max-response-size",
				properties.getMaxResponseSize(), "idempotency.max-response-size must not be negative", "Set a size such as 1MB.");
	}
	for (Integer status : properties.getRetryableClientErrors()) {
		if (status == null || status < 400 || status > 499) {
			throw new InvalidIdempotencyConfigurationException("idempotency.retryable-client-errors", status,
					"idempotency.retryable-client-errors may hold 4xx statuses only, found " + status,
					"Remove the statuses outside 400..499; 5xx always release the key.");
		}
	}
}

private static void requirePositive(String property, @Nullable Duration value) {
	if (value == null || value.isZero() || value.isNegative()) {
		throw new InvalidIdempotencyConfigurationException(property, value,
				property + " must be a positive duration, was " + value, "Set " + property + " to e.g. 30s.");
	}
}

private static void requireNotNegative(String property, @Nullable Duration value) {
	if (value == null || value.isNegative()) {
		throw new InvalidIdempotencyConfigurationException(property, value,
				property + " must not be negative, was " + value, "Set " + property + " to e.g. 10s.");
	}
}

}
