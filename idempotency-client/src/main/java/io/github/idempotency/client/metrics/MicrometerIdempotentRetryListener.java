package io.github.idempotency.client.metrics;

import java.util.EnumMap;
import java.util.Map;

import io.github.idempotency.client.AttemptOutcome;
import io.github.idempotency.client.IdempotentRetryListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.http.HttpRequest;

/**
 * Counts the retrying client's attempts, replays and exhausted calls in a {@link MeterRegistry}. Every counter is
 * registered up front, so that a call resolves no meter and dashboards see zeros rather than gaps.
 */
public final class MicrometerIdempotentRetryListener implements IdempotentRetryListener {

	private final Map<AttemptOutcome, Counter> attempts = new EnumMap<>(AttemptOutcome.class);

	private final Map<AttemptOutcome, Counter> exhausted = new EnumMap<>(AttemptOutcome.class);

	private final Counter replays;

	/**
	 * Registers the meters.
	 * @param registry the registry
	 */
	public MicrometerIdempotentRetryListener(MeterRegistry registry) {
		for (AttemptOutcome outcome : AttemptOutcome.values()) {
			this.attempts.put(outcome,
					Counter.builder(IdempotencyClientMetricNames.ATTEMPTS)
						.description("Attempts of calls made by the idempotent retrying client")
						.tag(IdempotencyClientMetricNames.OUTCOME, outcome.tagValue())
						.register(registry));
			if (outcome.isRetryable()) {
				this.exhausted.put(outcome,
						Counter.builder(IdempotencyClientMetricNames.RETRIES_EXHAUSTED)
							.description("Calls that stopped retrying at the attempt or time limit")
							.tag(IdempotencyClientMetricNames.OUTCOME, outcome.tagValue())
							.register(registry));
			}
		}
		this.replays = Counter.builder(IdempotencyClientMetricNames.REPLAYS)
			.description("Responses received with Idempotent-Replayed: true")
			.register(registry);
	}

	@Override
	public void onAttempt(HttpRequest request, int attempt, AttemptOutcome outcome) {
		this.attempts.get(outcome).increment();
	}

	@Override
	public void onReplay(HttpRequest request) {
		this.replays.increment();
	}

	@Override
	public void onRetriesExhausted(HttpRequest request, int attempts, AttemptOutcome lastOutcome) {
		Counter counter = this.exhausted.get(lastOutcome);
		if (counter != null) {
			counter.increment();
		}
	}

}
