package io.github.idempotency.core.execution;

import java.util.Map;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two applications on one store, each with its executor's namespace: the same caller and key never meet.
 */
class NamespacedExecutorTest {

	private static final IdempotencyKey KEY = IdempotencyKey.of("principal:alice", "POST /u5/charge", "k-1");

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("charge");

	private static final ExecutionPolicy POLICY = ExecutionPolicy.defaults("charge");

	private final InMemoryIdempotencyStore sharedStore = new InMemoryIdempotencyStore();

	@Test
	void applicationsWithDifferentNamespacesBothExecuteTheSameKey() throws Exception {
		try (IdempotentExecutor billing = IdempotentExecutor.builder(this.sharedStore).namespace("billing").build();
				IdempotentExecutor shipping = IdempotentExecutor.builder(this.sharedStore).namespace("shipping").build()) {
			finish(billing);

			ClaimOutcome outcome = shipping.claim(KEY, FINGERPRINT, POLICY);

			assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
			Execution execution = ((ClaimOutcome.Acquired) outcome).execution();
			assertThat(execution.key().namespace()).isEqualTo("shipping");
			assertThat(execution.context().downstreamKey()).isNotEqualTo(KEY.inNamespace("billing").downstreamKey());
			execution.release();
		}
	}

	@Test
	void instancesOfOneApplicationShareTheirRecords() throws Exception {
		try (IdempotentExecutor first = IdempotentExecutor.builder(this.sharedStore).namespace("billing").build();
				IdempotentExecutor second = IdempotentExecutor.builder(this.sharedStore).namespace("billing").build()) {
			finish(first);

			assertThat(second.claim(KEY, FINGERPRINT, POLICY)).isInstanceOf(ClaimOutcome.Replay.class);
		}
	}

	@Test
	void withoutANamespaceTheStorageKeyIsTheOneOfEarlierReleases() {
		assertThat(KEY.inNamespace("")).isSameAs(KEY);
		assertThat(KEY.inNamespace("billing").storageKey()).isNotEqualTo(KEY.storageKey())
			.isNotEqualTo(KEY.inNamespace("shipping").storageKey())
			.isEqualTo(KEY.inNamespace("shipping").inNamespace("billing").storageKey());
	}

	private static void finish(IdempotentExecutor executor) throws Exception {
		ClaimOutcome outcome = executor.claim(KEY, FINGERPRINT, POLICY);
		assertThat(outcome).isInstanceOf(ClaimOutcome.Acquired.class);
		((ClaimOutcome.Acquired) outcome).execution()
			.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), new byte[0]));
	}

}
