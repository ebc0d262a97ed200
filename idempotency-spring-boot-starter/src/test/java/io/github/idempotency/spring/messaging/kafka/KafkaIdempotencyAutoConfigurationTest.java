package io.github.idempotency.spring.messaging.kafka;

import io.github.idempotency.spring.messaging.kafka.autoconfigure.KafkaIdempotencyAutoConfiguration;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.DefaultErrorHandler;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaIdempotencyAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaIdempotencyAutoConfiguration.class))
		.withUserConfiguration(FactoryConfiguration.class);

	@Test
	void bindsTheRecordFirstInEveryListenerContainerFactoryKeepingItsAdvice() {
		this.runner.run((context) -> {
			ConcurrentKafkaListenerContainerFactory<?, ?> factory = context
				.getBean(ConcurrentKafkaListenerContainerFactory.class);

			assertThat(factory.getContainerProperties().getAdviceChain()).hasSize(2);
			assertThat(factory.getContainerProperties().getAdviceChain()[0]).isInstanceOf(KafkaRecordBinding.class);
			assertThat(factory.getContainerProperties().getAdviceChain()[1]).isSameAs(FactoryConfiguration.TRACING);
		});
	}

	@Test
	void errorHandlerBeansDoNotRetryRecordsThatMustNotBeDeliveredAgain() {
		this.runner.run((context) -> {
			DefaultErrorHandler errorHandler = context.getBean(DefaultErrorHandler.class);

			// the previous classification: false for "not retryable"
			assertThat(errorHandler.removeClassification(NonRetryableRecordException.class)).isFalse();
		});
	}

	@Test
	void backsOffWithoutSpringKafka() {
		this.runner.withClassLoader(new FilteredClassLoader(AbstractKafkaListenerContainerFactory.class))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(KafkaListenerContainerFactoryPostProcessor.class);
				assertThat(context).doesNotHaveBean(KafkaErrorHandlerPostProcessor.class);
			});
	}

	@Test
	void backsOffWhenIdempotencyIsDisabled() {
		this.runner.withPropertyValues("idempotency.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(KafkaListenerContainerFactoryPostProcessor.class);
			assertThat(context.getBean(ConcurrentKafkaListenerContainerFactory.class)
				.getContainerProperties()
				.getAdviceChain()).hasSize(1);
			assertThat(context.getBean(DefaultErrorHandler.class)
				.removeClassification(NonRetryableRecordException.class)).isNull();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class FactoryConfiguration {

		static final MethodInterceptor TRACING = (invocation) -> invocation.proceed();

		@Bean
		ConcurrentKafkaListenerContainerFactory<String, String> kafkaListenerContainerFactory() {
			ConcurrentKafkaListenerContainerFactory<String, String> factory = new ConcurrentKafkaListenerContainerFactory<>();
			factory.getContainerProperties().setAdviceChain(TRACING);
			return factory;
		}

		@Bean
		DefaultErrorHandler errorHandler() {
			return new DefaultErrorHandler();
		}

	}

}
