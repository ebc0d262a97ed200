package io.github.idempotency.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.state.IdempotencyStateMachine;
import io.github.idempotency.core.state.IdempotencyStateMachine.Transition;

/**
 * Records in this JVM's heap. Each operation is atomic per key ({@link ConcurrentHashMap#compute}); expiry follows
 * the {@code now} the caller passes.
 * <p>
 * <strong>It protects one JVM only</strong>: two instances of a service each have their own records, and a restart
 * forgets them all. Use the Redis or JPA store when a service runs more than one instance.
 * <p>
 * The number of records is bounded. When the bound is reached, expired records are purged; if every record is
 * still in force, the claim of a new key fails with {@link IdempotencyStoreException} (callers answer 503 or run
 * unprotected, as configured). Records in force are never evicted, since forgetting one would let a duplicate
 * run again.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

	/** Default bound on the number of records. */
	public static final int DEFAULT_MAX_RECORDS = 100_000;

	private final ConcurrentHashMap<StorageKey, IdempotencyRecord> records = new ConcurrentHashMap<>();

	private final AtomicInteger size = new AtomicInteger();

	private final int maxRecords;

	/** A store bounded at {@value #DEFAULT_MAX_RECORDS} records. */
	public InMemoryIdempotencyStore() {
		this(DEFAULT_MAX_RECORDS);
	}

	/**
	 * A store bounded at {@code maxRecords} records.
	 * @param maxRecords the most records kept at once, at least 1
	 */
	public InMemoryIdempotencyStore(int maxRecords) {
		if (maxRecords < 1) {
			throw new IllegalArgumentException("maxRecords must be at least 1, was " + maxRecords);
		}
		this.maxRecords = maxRecords;
	}

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		OwnerToken candidate = OwnerToken.random();
		try {
			return apply(key, true,
					(current) -> IdempotencyStateMachine.claim(current, fingerprint, candidate, now, lease));
		}
		catch (StoreFullException ex) {
			purgeExpired(now);
			try {
				return apply(key, true,
						(current) -> IdempotencyStateMachine.claim(current, fingerprint, candidate, now, lease));
			}
			catch (StoreFullException stillFull) {
				throw new IdempotencyStoreException("The in-memory idempotency store holds " + this.maxRecords
						+ " records in force and accepts no new key until some expire");
			}
		}
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		return apply(key, false,
				(current) -> IdempotencyStateMachine.complete(current, owner, state, response, now, retention));
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		return apply(key, false, (current) -> IdempotencyStateMachine.release(current, owner, now));
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		return apply(key, false, (current) -> IdempotencyStateMachine.renew(current, owner, now, lease));
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		return Optional.ofNullable(IdempotencyStateMachine.inForce(this.records.get(key), now));
	}

	@Override
	public boolean delete(StorageKey key) {
		IdempotencyRecord removed = this.records.remove(key);
		if (removed != null) {
			this.size.decrementAndGet();
		}
		return removed != null;
	}

	@Override
	public String name() {
		return "memory";
	}

	/**
	 * Removes every record that expired before {@code now}.
	 * @param now the current instant
	 * @return how many records were removed
	 */
	public int purgeExpired(Instant now) {
		int removed = 0;
		for (var entry : this.records.entrySet()) {
			if (!entry.getValue().isLiveAt(now) && this.records.remove(entry.getKey(), entry.getValue())) {
				this.size.decrementAndGet();
				removed++;
			}
		}
		return removed;
	}

	/**
	 * The number of records held, expired ones included until they are purged or overwritten.
	 * @return the number of records
	 */
	public int size() {
		return this.size.get();
	}

	private <R> R apply(StorageKey key, boolean mayAdd, Function<IdempotencyRecord, Transition<R>> transition) {
		Object[] result = new Object[1];
		this.records.compute(key, (k, current) -> {
			Transition<R> step = transition.apply(current);
			if (current == null && step.next() != null) {
				if (!mayAdd || this.size.incrementAndGet() > this.maxRecords) {
					if (mayAdd) {
						this.size.decrementAndGet();
					}
					throw new StoreFullException();
				}
			}
			else if (current != null && step.next() == null) {
				this.size.decrementAndGet();
			}
			result[0] = step.result();
			return step.next();
		});
		@SuppressWarnings("unchecked")
		R r = (R) result[0];
		return r;
	}

	/** Signals a full store from inside {@code compute}, which leaves the map unchanged. */
	private static final class StoreFullException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		StoreFullException() {
			super(null, null, false, false);
		}

	}

}
