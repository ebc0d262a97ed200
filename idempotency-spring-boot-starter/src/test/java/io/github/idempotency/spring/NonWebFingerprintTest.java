package io.github.idempotency.spring;

import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.execution.Refusal;
import io.github.idempotency.spring.autoconfigure.IdempotencyAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a repeated key of a non-web method must match: a {@code fingerprint} expression, or by default the
 * arguments without delivery metadata; an argument that cannot be fingerprinted fails the start-up.
 */
class NonWebFingerprintTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
		.withPropertyValues("idempotency.store=memory");

	@Test
	void redeliveryWithTheNextAttemptNumberReplaysWhenTheFingerprintSelectsThePayload() {
		this.runner.withUserConfiguration(ConsumerConfiguration.class).run((context) -> {
			Consumer consumer = context.getBean(Consumer.class);
			String first = consumer.onPayload(new Msg("m-1", "charge 1250", 1));
			String redelivery = consumer.onPayload(new Msg("m-1", "charge 1250", 2));

			assertThat(redelivery).isEqualTo(first);
			assertThat(consumer.runs()).hasValue(1);
		});
	}

	@Test
	void sameKeyWithAnotherPayloadIsStillAMismatch() {
		this.runner.withUserConfiguration(ConsumerConfiguration.class).run((context) -> {
			Consumer consumer = context.getBean(Consumer.class);
			consumer.onPayload(new Msg("m-2", "charge 1250", 1));

			assertThatExceptionOfType(IdempotencyRejectedException.class)
				.isThrownBy(() -> consumer.onPayload(new Msg("m-2", "charge 9999", 2)))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Refusal.KEY_MISMATCH));
		});
	}

	@Test
	void withoutAFingerprintEveryArgumentCountsSoTheAttemptNumberMismatches() {
		this.runner.withUserConfiguration(ConsumerConfiguration.class).run((context) -> {
			Consumer consumer = context.getBean(Consumer.class);
			consumer.onWholeMessage(new Msg("m-3", "charge 1250", 1));

			assertThatExceptionOfType(IdempotencyRejectedException.class)
				.isThrownBy(() -> consumer.onWholeMessage(new Msg("m-3", "charge 1250", 2)))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Refusal.KEY_MISMATCH));
		});
	}

	@Test
	void defaultFingerprintLeavesOutDeliveryHeadersAndMessageProperties() {
		this.runner.withUserConfiguration(ConsumerConfiguration.class).run((context) -> {
			Consumer consumer = context.getBean(Consumer.class);
			consumer.onDelivery("m-4", "charge 1250", 1, message("charge 1250", false));
			consumer.onDelivery("m-4", "charge 1250", 2, message("charge 1250", true));

			assertThat(consumer.runs()).hasValue(1);
			assertThatExceptionOfType(IdempotencyRejectedException.class)
				.isThrownBy(() -> consumer.onDelivery("m-4", "charge 9999", 3, message("charge 9999", true)))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Refusal.KEY_MISMATCH));
		});
	}

	@Test
	void argumentThatCannotBeFingerprintedFailsTheStartUpNamingMethodAndParameter() {
		this.runner.withUserConfiguration(UnserializableConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasMessageContaining("StreamConsumer.onStream")
				.hasMessageContaining("parameter 'body'")
				.hasMessageContaining("fingerprint = ");
		});
	}

	@Test
	void argumentWithoutPropertiesFailsTheStartUp() {
		this.runner.withUserConfiguration(OpaqueConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasMessageContaining("OpaqueConsumer.onOpaque")
				.hasMessageContaining("parameter 'handle'");
		});
	}

	@Test
	void fingerprintExpressionMakesAnUnserializableArgumentUsable() {
		this.runner.withUserConfiguration(SelectedStreamConfiguration.class).run((context) -> {
			SelectedStreamConsumer consumer = context.getBean(SelectedStreamConsumer.class);
			consumer.onStream("s-1", InputStream.nullInputStream());
			consumer.onStream("s-1", InputStream.nullInputStream());

			assertThat(consumer.runs()).hasValue(1);
		});
	}

	private static Message message(String body, boolean redelivered) {
		MessageProperties properties = new MessageProperties();
		properties.setRedelivered(redelivered);
		properties.setDeliveryTag(redelivered ? 2 : 1);
		return new Message(body.getBytes(), properties);
	}

	record Msg(String id, String payload, int deliveryAttempt) {
	}

	/** A type with no properties, which JSON writes as nothing. */
	static final class Opaque {

	}

	@Configuration(proxyBeanMethods = false)
	static class ConsumerConfiguration {

		@Bean
		Consumer consumer() {
			return new Consumer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnserializableConfiguration {

		@Bean
		StreamConsumer streamConsumer() {
			return new StreamConsumer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OpaqueConfiguration {

		@Bean
		OpaqueConsumer opaqueConsumer() {
			return new OpaqueConsumer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SelectedStreamConfiguration {

		@Bean
		SelectedStreamConsumer selectedStreamConsumer() {
			return new SelectedStreamConsumer();
		}

	}

	public static class Consumer {

		private final AtomicInteger runs = new AtomicInteger();

		@Idempotent(key = "#msg.id", fingerprint = "#msg.payload")
		public String onPayload(Msg msg) {
			return "handled " + msg.payload() + " #" + this.runs.incrementAndGet();
		}

		@Idempotent(key = "#msg.id")
		public String onWholeMessage(Msg msg) {
			return "handled " + msg.payload() + " #" + this.runs.incrementAndGet();
		}

		@Idempotent(key = "#id")
		public String onDelivery(String id, String payload, @Header("x-delivery-count") int attempt,
				Message message) {
			return "handled " + payload + " #" + this.runs.incrementAndGet();
		}

		AtomicInteger runs() {
			return this.runs;
		}

	}

	public static class StreamConsumer {

		@Idempotent(key = "#id")
		public void onStream(String id, InputStream body) {
		}

	}

	public static class OpaqueConsumer {

		@Idempotent(key = "#id")
		public void onOpaque(String id, Opaque handle) {
		}

	}

	public static class SelectedStreamConsumer {

		private final AtomicInteger runs = new AtomicInteger();

		@Idempotent(key = "#id", fingerprint = "#id")
		public void onStream(String id, InputStream body) {
			this.runs.incrementAndGet();
		}

		AtomicInteger runs() {
			return this.runs;
		}

	}

}
