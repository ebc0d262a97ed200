package io.github.idempotency.spring.messaging.amqp;

import io.github.idempotency.spring.messaging.amqp.autoconfigure.AmqpIdempotencyAutoConfiguration;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.config.BaseRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class AmqpIdempotencyAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AmqpIdempotencyAutoConfiguration.class))
		.withUserConfiguration(FactoryConfiguration.class);

	@Test
	void bindsTheMessageFirstInEveryListenerContainerFactoryKeepingItsAdvice() {
		this.runner.run((context) -> {
			SimpleRabbitListenerContainerFactory factory = context.getBean(SimpleRabbitListenerContainerFactory.class);

			assertThat(factory.getAdviceChain()).hasSize(2);
			assertThat(factory.getAdviceChain()[0]).isInstanceOf(AmqpMessageBinding.class);
			assertThat(factory.getAdviceChain()[1]).isSameAs(FactoryConfiguration.RETRY);
		});
	}

	@Test
	void backsOffWithoutSpringAmqp() {
		this.runner.withClassLoader(new FilteredClassLoader(BaseRabbitListenerContainerFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RabbitListenerContainerFactoryPostProcessor.class));
	}

	@Test
	void backsOffWhenIdempotencyIsDisabled() {
		this.runner.withPropertyValues("idempotency.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(RabbitListenerContainerFactoryPostProcessor.class);
			assertThat(context.getBean(SimpleRabbitListenerContainerFactory.class).getAdviceChain()).hasSize(1);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class FactoryConfiguration {

		static final MethodInterceptor RETRY = (invocation) -> invocation.proceed();

		@Bean
		SimpleRabbitListenerContainerFactory rabbitListenerContainerFactory() {
			SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
			factory.setAdviceChain(RETRY);
			return factory;
		}

	}

}
