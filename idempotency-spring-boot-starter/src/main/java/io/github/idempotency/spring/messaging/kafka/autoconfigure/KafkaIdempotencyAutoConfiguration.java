package io.github.idempotency.spring.messaging.kafka.autoconfigure;

import io.github.idempotency.spring.messaging.kafka.KafkaErrorHandlerPostProcessor;
import io.github.idempotency.spring.messaging.kafka.KafkaListenerContainerFactoryPostProcessor;
import io.github.idempotency.spring.messaging.kafka.KafkaRecordBinding;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;

/**
 * Binds each record a Kafka listener container delivers, so that {@code @Idempotent} listeners can take their key
 * from a header or the record key, and makes the error handlers pass records that must not be delivered again to
 * their recoverer. Present only with Spring for Apache Kafka on the classpath; off with
 * {@code idempotency.enabled=false}.
 */
@AutoConfiguration(afterName = "io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration")
@ConditionalOnClass(AbstractKafkaListenerContainerFactory.class)
@ConditionalOnBooleanProperty(name = "idempotency.enabled", matchIfMissing = true)
public final class KafkaIdempotencyAutoConfiguration {

	// static: a post-processor must not make this configuration (and its dependencies) initialize early
	@Bean
	@ConditionalOnMissingBean
	static KafkaListenerContainerFactoryPostProcessor idempotencyKafkaListenerContainerFactoryPostProcessor(
			Environment environment) {
		String header = environment.getProperty("idempotency.header-name", "Idempotency-Key");
		return new KafkaListenerContainerFactoryPostProcessor(new KafkaRecordBinding(header));
	}

	@Bean
	@ConditionalOnMissingBean
	static KafkaErrorHandlerPostProcessor idempotencyKafkaErrorHandlerPostProcessor() {
		return new KafkaErrorHandlerPostProcessor();
	}

}
