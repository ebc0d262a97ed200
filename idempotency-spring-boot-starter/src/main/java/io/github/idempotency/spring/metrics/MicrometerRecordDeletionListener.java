package io.github.idempotency.spring.metrics;

import io.github.idempotency.spring.actuate.RecordDeletionListener;
import io.github.idempotency.spring.actuate.RecordDeletionOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts operators' record deletes as {@value IdempotencyMetricNames#OPERATOR_DELETIONS}. Deletes are rare and
 * manual, so the counter is looked up per delete; the endpoint tag is bounded by the configured endpoint names (a
 * delete by hashed id alone is tagged {@code unknown}).
 */
public final class MicrometerRecordDeletionListener implements RecordDeletionListener {

	private final MeterRegistry registry;

	/**
	 * @param registry where the counter is registered
	 */
	public MicrometerRecordDeletionListener(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void onDeletion(String endpoint, RecordDeletionOutcome outcome) {
		Counter.builder(IdempotencyMetricNames.OPERATOR_DELETIONS)
			.description("Record deletes asked for by operators through the idempotency actuator endpoint")
			.tag(IdempotencyMetricNames.TAG_ENDPOINT, endpoint)
			.tag(IdempotencyMetricNames.TAG_OUTCOME, outcome.tagValue())
			.register(this.registry)
			.increment();
	}

}
