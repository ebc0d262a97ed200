package io.github.idempotency.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.state.IdempotencyStateMachine;
import io.github.idempotency.core.state.IdempotencyStateMachine.Transition;
import org.jspecify.annotations.Nullable;

/**
 * One atomic change of a key's record in the in-memory store: the state machine's transition for the record found,
 * applied by {@link SlotTable#update} inside the map's {@code compute}. The function handed to {@code compute} and
 * the outcome it leaves are this one object, so that an operation allocates nothing else of its own on the way.
 * @param <R> the transition's result
 */
abstract class SlotUpdate<R> implements BiFunction<StorageKey, @Nullable StoredSlot, @Nullable StoredSlot> {

	private @Nullable SlotTable table;

	private @Nullable R result;

	private @Nullable String refusal;

	static SlotUpdate<ClaimResult> claim(RequestFingerprint fingerprint, Instant now, Duration lease) {
		return new SlotUpdate<>() {

			private @Nullable OwnerToken candidate;

			@Override
			Transition<ClaimResult> transition(@Nullable IdempotencyRecord current) {
				// a token only for a claim that takes the key: a duplicate is answered without one. When none is made,
				// the state machine is handed null, so that a change that handed it out would fail, not share it.
				if (this.candidate == null && IdempotencyStateMachine.inForce(current, now) == null) {
					this.candidate = OwnerToken.random();
				}
				return IdempotencyStateMachine.claim(current, fingerprint, this.candidate, now, lease);
			}

		};
	}

	static SlotUpdate<Boolean> complete(OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		return new SlotUpdate<>() {
			@Override
			Transition<Boolean> transition(@Nullable IdempotencyRecord current) {
				return IdempotencyStateMachine.complete(current, owner, state, response, now, retention);
			}
		};
	}

	static SlotUpdate<Boolean> release(OwnerToken owner, Instant now) {
		return new SlotUpdate<>() {
			@Override
			Transition<Boolean> transition(@Nullable IdempotencyRecord current) {
				return IdempotencyStateMachine.release(current, owner, now);
			}
		};
	}

	static SlotUpdate<Boolean> renew(OwnerToken owner, Instant now, Duration lease) {
		return new SlotUpdate<>() {
			@Override
			Transition<Boolean> transition(@Nullable IdempotencyRecord current) {
				return IdempotencyStateMachine.renew(current, owner, now, lease);
			}
		};
	}

	static SlotUpdate<Boolean> deleteIfUnchanged(IdempotencyRecord seen, Instant now) {
		return new SlotUpdate<>() {
			@Override
			Transition<Boolean> transition(@Nullable IdempotencyRecord current) {
				return IdempotencyStateMachine.deleteIfUnchanged(current, seen, now);
			}
		};
	}

	/**
	 * The transition of this operation.
	 * @param current the record held, expired or not, or {@code null}
	 * @return the result and the record to hold next
	 */
	abstract Transition<R> transition(@Nullable IdempotencyRecord current);

	/** {@return the transition's result, once applied without a refusal} */
	R result() {
		return this.result;
	}

	/** {@return why a new record did not fit, or {@code null} when it was applied} */
	@Nullable String refusal() {
		return this.refusal;
	}

	/** Makes this update ready to be applied (again) to a table. */
	void startOn(SlotTable table) {
		this.table = table;
		this.result = null;
		this.refusal = null;
	}

	void applied(R result) {
		this.result = result;
	}

	void refused(String refusal) {
		this.refusal = refusal;
	}

	@Override
	public @Nullable StoredSlot apply(StorageKey key, @Nullable StoredSlot slot) {
		return this.table.next(key, slot, this);
	}

}
