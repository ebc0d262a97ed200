package io.github.idempotency.spring.messaging.kafka;

import java.util.Arrays;

import org.aopalliance.aop.Advice;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Puts a {@link KafkaRecordBinding} first in the listener advice chain of every Kafka listener container factory, in
 * front of what Spring Boot or the application configured there, so that the record is bound for whatever runs
 * inside.
 */
public final class KafkaListenerContainerFactoryPostProcessor implements BeanPostProcessor {

	private final KafkaRecordBinding binding;

	/**
	 * @param binding the advice to put first
	 */
	public KafkaListenerContainerFactoryPostProcessor(KafkaRecordBinding binding) {
		this.binding = binding;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AbstractKafkaListenerContainerFactory<?, ?, ?> factory) {
			ContainerProperties properties = factory.getContainerProperties();
			Advice[] chain = properties.getAdviceChain();
			if (Arrays.stream(chain).noneMatch(KafkaRecordBinding.class::isInstance)) {
				Advice[] bound = new Advice[chain.length + 1];
				bound[0] = this.binding;
				System.arraycopy(chain, 0, bound, 1, chain.length);
				properties.setAdviceChain(bound);
			}
		}
		return bean;
	}

}
