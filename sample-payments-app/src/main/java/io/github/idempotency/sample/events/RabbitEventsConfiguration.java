package io.github.idempotency.sample.events;

import io.github.idempotency.sample.psp.FakePaymentProcessor;

import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.amqp.support.converter.MessageConverter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Profile {@code rabbit}: consumes {@code payments.requested} from RabbitMQ ({@code spring.rabbitmq.*}). Without the
 * profile nothing connects to a broker.
 */
@Configuration(proxyBeanMethods = false)
@Profile("rabbit")
class RabbitEventsConfiguration {

	@Bean
	Queue paymentsRequestedQueue(@Value("${sample.events.queue:payments.requested}") String queue) {
		return QueueBuilder.durable(queue).build();
	}

	@Bean
	MessageConverter jsonMessageConverter() {
		return new JacksonJsonMessageConverter();
	}

	@Bean
	PaymentRequestedListener paymentRequestedListener(FakePaymentProcessor processor) {
		return new PaymentRequestedListener(processor);
	}

}
