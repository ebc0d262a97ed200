package io.github.idempotency.spring.messaging.kafka;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.execution.Refusal;
import io.github.idempotency.spring.IdempotencyRejectedException;
import io.github.idempotency.spring.messaging.InboundMessage;
import io.github.idempotency.spring.messaging.InboundMessages;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.support.Acknowledgment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the binding does with the decision {@code @Idempotent} took inside the listener: the listener's side of the
 * container (the interceptor) is played by the invocation's body.
 */
class KafkaRecordBindingTest {

	private final KafkaRecordBinding binding = new KafkaRecordBinding("Idempotency-Key");

	private final ConsumerRecord<String, String> record = new ConsumerRecord<>("payments", 1, 17, null, "{}");

	private final AtomicInteger acknowledged = new AtomicInteger();

	private final Acknowledgment acknowledgment = this.acknowledged::incrementAndGet;

	KafkaRecordBindingTest() {
		this.record.headers().add("message-id", "m-1".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void bindsTheRecordWhileTheListenerRunsOnly() throws Throwable {
		Object header = this.binding.invoke(invocation(
				() -> InboundMessages.current().map((message) -> message.header("message-id")).orElse(null)));

		assertThat(header).isEqualTo("m-1");
		assertThat(InboundMessages.current()).isEmpty();
	}

	@Test
	void skippedDuplicateIsAcknowledgedWhenTheContainerAcknowledgesByHand() throws Throwable {
		this.binding.invoke(invocation(() -> {
			InboundMessages.current().ifPresent(InboundMessage::skipped);
			return null;
		}));

		assertThat(this.acknowledged).hasValue(1);
	}

	@Test
	void listenerThatRanAcknowledgesForItself() throws Throwable {
		this.binding.invoke(invocation(() -> "charged"));

		assertThat(this.acknowledged).hasValue(0);
	}

	@Test
	void failureRecordedAsTheOutcomeIsNotRetryable() {
		IllegalStateException declined = new IllegalStateException("declined");

		assertThatThrownBy(() -> this.binding.invoke(invocation(() -> {
			InboundMessages.current().ifPresent(InboundMessage::failedForGood);
			throw declined;
		}))).isInstanceOf(NonRetryableRecordException.class).hasCause(declined).hasMessageContaining("payments-1@17");
	}

	@Test
	void refusalThatNoRedeliveryHealsIsNotRetryable() {
		IdempotencyRejectedException missing = new IdempotencyRejectedException(Refusal.MISSING_KEY, "no key", null,
				null);

		assertThatThrownBy(() -> this.binding.invoke(invocation(() -> {
			throw missing;
		}))).isInstanceOf(NonRetryableRecordException.class).hasCause(missing);
	}

	@Test
	void transientRefusalAndOtherFailuresStayRetryable() {
		IdempotencyRejectedException running = new IdempotencyRejectedException(Refusal.IN_PROGRESS, "running", null,
				null);
		IllegalStateException unavailable = new IllegalStateException("PSP unavailable");

		assertThatThrownBy(() -> this.binding.invoke(invocation(() -> {
			throw running;
		}))).isSameAs(running);
		assertThatThrownBy(() -> this.binding.invoke(invocation(() -> {
			throw unavailable;
		}))).isSameAs(unavailable);
	}

	private MethodInvocation invocation(Callable<@Nullable Object> listener) {
		Object[] arguments = { this.record, this.acknowledgment, null };
		return new MethodInvocation() {

			@Override
			public Method getMethod() {
				throw new UnsupportedOperationException();
			}

			@Override
			public Object[] getArguments() {
				return arguments;
			}

			@Override
			public @Nullable Object proceed() throws Throwable {
				return listener.call();
			}

			@Override
			public @Nullable Object getThis() {
				return null;
			}

			@Override
			public AccessibleObject getStaticPart() {
				throw new UnsupportedOperationException();
			}

		};
	}

}
