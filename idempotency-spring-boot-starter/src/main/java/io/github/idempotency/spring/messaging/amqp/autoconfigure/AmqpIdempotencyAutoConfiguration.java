package io.github.idempotency.spring.messaging.amqp.autoconfigure;

import io.github.idempotency.spring.messaging.amqp.AmqpMessageBinding;
import io.github.idempotency.spring.messaging.amqp.RabbitListenerContainerFactoryPostProcessor;

import org.springframework.amqp.rabbit.config.BaseRabbitListenerContainerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Binds each message a Rabbit listener container delivers, so that {@code @Idempotent} listeners can take their key
 * from the AMQP {@code message_id} property or a header. Present only with Spring AMQP on the classpath; off with
 * {@code idempotency.enabled=false}.
 */
@AutoConfiguration(afterName = "io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration")
@ConditionalOnClass(BaseRabbitListenerContainerFactory.class)
@ConditionalOnBooleanProperty(name = "idempotency.enabled", matchIfMissing = true)
public final class AmqpIdempotencyAutoConfiguration {

	// static: a post-processor must not make this configuration (and its dependencies) initialize early
	@Bean
	@ConditionalOnMissingBean
	static RabbitListenerContainerFactoryPostProcessor idempotencyRabbitListenerContainerFactoryPostProcessor(
			Environment environment) {
		String header = environment.getProperty("idempotency.header-name", "Idempotency-Key");
		return new RabbitListenerContainerFactoryPostProcessor(new AmqpMessageBinding(header));
	}

}
