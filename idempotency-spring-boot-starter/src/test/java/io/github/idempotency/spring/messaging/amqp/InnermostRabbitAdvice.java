package io.github.idempotency.spring.messaging.amqp;

import java.util.Arrays;

import org.aopalliance.aop.Advice;

import org.springframework.amqp.rabbit.config.BaseRabbitListenerContainerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Appends a test's advice to the advice chain of every Rabbit listener container factory, innermost, so that it sees
 * each delivery right around the listener: after the container's own advice, before its acknowledgement.
 */
final class InnermostRabbitAdvice implements BeanPostProcessor {

	private final ObjectProvider<? extends Advice> advice;

	InnermostRabbitAdvice(ObjectProvider<? extends Advice> advice) {
		this.advice = advice;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof BaseRabbitListenerContainerFactory<?> factory) {
			Advice[] chain = (factory.getAdviceChain() != null) ? factory.getAdviceChain() : new Advice[0];
			Advice[] extended = Arrays.copyOf(chain, chain.length + 1);
			extended[chain.length] = this.advice.getObject();
			factory.setAdviceChain(extended);
		}
		return bean;
	}

}
