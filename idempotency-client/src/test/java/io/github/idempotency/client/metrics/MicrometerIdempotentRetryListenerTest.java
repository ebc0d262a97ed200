package io.github.idempotency.client.metrics;

import java.net.URI;

import io.github.idempotency.client.AttemptOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.client.MockClientHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerIdempotentRetryListenerTest {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerIdempotentRetryListener listener = new MicrometerIdempotentRetryListener(this.registry);

	private final MockClientHttpRequest request = new MockClientHttpRequest(HttpMethod.POST, URI.create("/payments"));

	private double count(String name, String outcome) {
		return this.registry.get(name).tag(IdempotencyClientMetricNames.OUTCOME, outcome).counter().count();
	}

	@Test
	void countsAttemptsByOutcome() {
		this.listener.onAttempt(this.request, 1, AttemptOutcome.IO_ERROR);
		this.listener.onAttempt(this.request, 2, AttemptOutcome.RETRYABLE_STATUS);
		this.listener.onAttempt(this.request, 3, AttemptOutcome.SUCCESS);

		assertThat(count(IdempotencyClientMetricNames.ATTEMPTS, "io_error")).isEqualTo(1);
		assertThat(count(IdempotencyClientMetricNames.ATTEMPTS, "retryable_status")).isEqualTo(1);
		assertThat(count(IdempotencyClientMetricNames.ATTEMPTS, "success")).isEqualTo(1);
		assertThat(count(IdempotencyClientMetricNames.ATTEMPTS, "not_retryable")).isZero();
	}

	@Test
	void countsReplaysReceived() {
		this.listener.onReplay(this.request);

		assertThat(this.registry.get(IdempotencyClientMetricNames.REPLAYS).counter().count()).isEqualTo(1);
	}

	@Test
	void countsExhaustedCallsByTheirLastOutcome() {
		this.listener.onRetriesExhausted(this.request, 4, AttemptOutcome.IO_ERROR);

		assertThat(count(IdempotencyClientMetricNames.RETRIES_EXHAUSTED, "io_error")).isEqualTo(1);
		assertThat(count(IdempotencyClientMetricNames.RETRIES_EXHAUSTED, "retryable_status")).isZero();
	}

}
