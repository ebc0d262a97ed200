package io.github.idempotency.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidIdempotencyConfigurationException} at start-up: which property, what is wrong, what to
 * do.
 */
class InvalidIdempotencyConfigurationFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidIdempotencyConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidIdempotencyConfigurationException cause) {
		return new FailureAnalysis("Invalid idempotency configuration (" + cause.getProperty() + "): "
				+ cause.getReason(), cause.getAction(), cause);
	}

}
