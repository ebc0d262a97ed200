package io.github.idempotency.spring.messaging.kafka;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.listener.ExceptionClassifier;

/**
 * Makes {@link NonRetryableRecordException} not retryable for every error handler bean that classifies exceptions
 * ({@code DefaultErrorHandler}, {@code DefaultAfterRollbackProcessor}), which Spring Boot applies to its listener
 * container factory: a record that an {@code @Idempotent} listener must not receive again goes to the recoverer at
 * once. Other exceptions keep the classification the application gave them.
 */
public final class KafkaErrorHandlerPostProcessor implements BeanPostProcessor {

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ExceptionClassifier classifier) {
			classifier.addNotRetryableExceptions(NonRetryableRecordException.class);
		}
		return bean;
	}

}
