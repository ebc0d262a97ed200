package io.github.idempotency.spring.messaging.amqp;

import java.util.Arrays;

import org.aopalliance.aop.Advice;

import org.springframework.amqp.rabbit.config.BaseRabbitListenerContainerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Puts an {@link AmqpMessageBinding} first in the advice chain of every Rabbit listener container factory, in front
 * of what Spring Boot or the application configured there (a retry interceptor, for instance), so that every
 * attempt sees the message.
 */
public final class RabbitListenerContainerFactoryPostProcessor implements BeanPostProcessor {

	private final AmqpMessageBinding binding;

	public RabbitListenerContainerFactoryPostProcessor(AmqpMessageBinding binding) {
		this.binding = binding;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof BaseRabbitListenerContainerFactory<?> factory) {
			Advice[] current = factory.getAdviceChain();
			Advice[] chain = (current != null) ? current : new Advice[0];
			if (Arrays.stream(chain).noneMatch(AmqpMessageBinding.class::isInstance)) {
				Advice[] bound = new Advice[chain.length + 1];
				bound[0] = this.binding;
				System.arraycopy(chain, 0, bound, 1, chain.length);
				factory.setAdviceChain(bound);
			}
		}
		return bean;
	}

}
