package io.github.idempotency.sample.events;

import io.github.idempotency.sample.psp.FakePaymentProcessor;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.converter.RecordMessageConverter;
import org.springframework.kafka.support.converter.StringJacksonJsonMessageConverter;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Profile {@code kafka}: consumes {@code payments.requested} from the Kafka broker at
 * {@code spring.kafka.bootstrap-servers}. Failed charges are delivered again a few times, then (and declined ones at
 * once) published to {@code payments.requested-dlt}. Without the profile nothing connects to a broker.
 */
@Configuration(proxyBeanMethods = false)
@Profile("kafka")
class KafkaEventsConfiguration {

	@Bean
	NewTopic paymentsRequestedTopic(@Value("${sample.events.topic:payments.requested}") String topic) {
		return TopicBuilder.name(topic).partitions(2).replicas(1).build();
	}

	@Bean
	NewTopic paymentsRequestedDeadLetterTopic(@Value("${sample.events.topic:payments.requested}") String topic) {
		return TopicBuilder.name(topic + "-dlt").partitions(2).replicas(1).build();
	}

	@Bean
	RecordMessageConverter kafkaJsonMessageConverter() {
		return new StringJacksonJsonMessageConverter();
	}

	// Spring Boot applies this error handler to its listener container factory; the starter makes it pass records
	// that must not be delivered again (a declined charge) to the dead-letter topic without retrying
	@Bean
	DefaultErrorHandler kafkaErrorHandler(KafkaOperations<?, ?> template) {
		return new DefaultErrorHandler(new DeadLetterPublishingRecoverer(template), new FixedBackOff(1000, 3));
	}

	@Bean
	KafkaPaymentRequestedListener kafkaPaymentRequestedListener(FakePaymentProcessor processor) {
		return new KafkaPaymentRequestedListener(processor);
	}

}
