package io.github.idempotency.spring.messaging.kafka;

import java.util.Arrays;

import org.aopalliance.aop.Advice;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Appends a test's advice to the advice chain of every Kafka listener container factory, innermost, so that it sees
 * each record right around the listener: after the container's own advice, before the offset commit.
 */
final class InnermostKafkaAdvice implements BeanPostProcessor {

	private final ObjectProvider<? extends Advice> advice;

	InnermostKafkaAdvice(ObjectProvider<? extends Advice> advice) {
		this.advice = advice;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AbstractKafkaListenerContainerFactory<?, ?, ?> factory) {
			ContainerProperties properties = factory.getContainerProperties();
			Advice[] chain = properties.getAdviceChain();
			Advice[] extended = Arrays.copyOf(chain, chain.length + 1);
			extended[chain.length] = this.advice.getObject();
			properties.setAdviceChain(extended);
		}
		return bean;
	}

}
