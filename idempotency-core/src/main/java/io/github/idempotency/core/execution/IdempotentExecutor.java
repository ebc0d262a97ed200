package io.github.idempotency.core.execution;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.IdempotencyStoreFullException;

/**
 * Runs code at most once per key, with no framework: claims the key, runs or replays, renews the lease while the
 * code runs, and completes or releases. Usable directly from a message consumer or a batch job; the Spring starter
 * builds its interceptor on it.
 *
 * <pre>{@code
 * IdempotentExecutor executor = IdempotentExecutor.builder(store).build();
 * ExecutionResult<Receipt> result = executor.execute(IdempotencyKey.of("", "charge", message.id()),
 *         RequestFingerprint.of(message.body()), ExecutionPolicy.defaults("charge"), receiptCodec,
 *         () -> psp.charge(message));
 * }</pre>
 *
 * Every outcome is reported to the {@link IdempotencyListener}; a listener that throws is logged, never felt by the
 * request. Thread-safe; one executor serves the application.
 * <p>
 * The jobs around the claim live in their own classes: {@link ObservedStore} times the store calls, reports them and
 * translates their failures; {@link LeaseKeepAlive} renews leases; {@link CompletionWriter} writes and reports how
 * an execution ended; {@link ActiveExecutions} counts what runs; {@link CodecExecutor} runs and replays the actions of
 * {@link #execute}.
 */
public final class IdempotentExecutor implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(IdempotentExecutor.class.getName());

	private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	private final ObservedStore observed;

	private final Clock clock;

	private final String namespace;

	private final IdempotencyListener listener;

	private final Runnable onClose;

	private final CompletionWatcher watcher;

	private final LeaseKeepAlive keepAlive;

	private final CompletionWriter writer;

	private final ActiveExecutions active = new ActiveExecutions();

	private final CodecExecutor codecs = new CodecExecutor(this);

	IdempotentExecutor(IdempotencyStore store, Clock clock, IdempotencyListener listener,
			ScheduledExecutorService scheduler, boolean ownsScheduler, ExecutorService renewals,
			String namespace) {
		this.clock = clock;
		this.namespace = namespace;
		// a listener that throws must not fail a request, nor leave a claim behind halfway through its release
		this.listener = (listener instanceof CompositeIdempotencyListener) ? listener
				: new CompositeIdempotencyListener(List.of(listener));
		this.observed = new ObservedStore(store, this.listener);
		this.keepAlive = new LeaseKeepAlive(this.observed, this.clock, this.listener, scheduler, renewals, this.active);
		this.onClose = () -> {
			this.keepAlive.close();
			renewals.shutdownNow();
			if (ownsScheduler) {
				scheduler.shutdownNow();
			}
		};
		this.watcher = new CompletionWatcher(scheduler, this::isOngoing);
		this.writer = new CompletionWriter(this.observed, this.clock, this.listener);
	}

	/**
	 * Starts building an executor on the given store.
	 * @param store the store
	 * @return a builder
	 */
	public static IdempotentExecutorBuilder builder(IdempotencyStore store) {
		return new IdempotentExecutorBuilder(store);
	}

	/**
	 * The application namespace this executor puts every key in before it reaches the store.
	 * @return the namespace; empty for none
	 */
	public String namespace() {
		return this.namespace;
	}

	/**
	 * Claims a key for a request, in one store round trip (more only while waiting with
	 * {@link ConflictStrategy#WAIT}).
	 * @param key the key
	 * @param fingerprint the request's fingerprint
	 * @param policy how to protect it
	 * @return what to do: run, replay, or refuse
	 * @throws InterruptedException when interrupted while waiting for a running duplicate
	 * @throws IllegalStateException when the executor was closed, or the scheduler passed to its builder was shut
	 * down (a claim it made is released again, and a duplicate waiting for a running execution stops waiting); a
	 * scheduler that only refuses tasks for a while throws nothing here
	 */
	public ClaimOutcome claim(IdempotencyKey key, RequestFingerprint fingerprint, ExecutionPolicy policy)
			throws InterruptedException {
		key = key.inNamespace(this.namespace);
		// read once per attempt and shared: it times the store call, bounds the wait, and dates the lease for its
		// renewals (the store's lease starts at the clock read just after it, so a renewal counted from here is
		// never late)
		long started = System.nanoTime();
		// only a duplicate that waits needs it
		long waitUntil = (policy.onConflict() == ConflictStrategy.WAIT) ? started + policy.waitTimeout().toNanos() : 0;
		while (true) {
			ClaimResult result;
			// in milliseconds, like every time the executor reads: a store that decides in numbers, the memory
			// store, makes no instant for it
			long now = this.clock.millis();
			try {
				result = this.observed.claim(key.storageKey(), fingerprint, now, policy.lease(), policy.retention(),
						started);
			}
			catch (IdempotencyStoreException ex) {
				this.listener.onOutcome(policy.endpoint(), RequestOutcome.STORE_UNAVAILABLE);
				// a corrupt record means the key was used: failing open would run the execution a second time
				boolean failOpen = policy.storeFailure() == StoreFailureStrategy.FAIL_OPEN
						&& !(ex instanceof CorruptRecordException);
				if (!(ex instanceof IdempotencyStoreFullException)) {
					// a full store reports its refusals itself, at most once a minute with a count: one line per
					// refused request would flood the log exactly when the service is under pressure
					logger.log(Level.WARNING, "Idempotency store " + this.observed.name() + " failed to claim " + key
							+ " (" + (failOpen ? "running unprotected" : "refusing the request") + ")", ex);
				}
				return failOpen ? new ClaimOutcome.Unprotected(ex) : new ClaimOutcome.StoreUnavailable(ex, RETRY_AFTER);
			}
			if (result instanceof ClaimResult.Claimed claimed) {
				return start(key, claimed, policy, now, started);
			}
			IdempotencyRecord record = ((ClaimResult.Existing) result).record();
			if (!record.fingerprint().equals(fingerprint)) {
				this.listener.onOutcome(policy.endpoint(), RequestOutcome.MISMATCH);
				return new ClaimOutcome.Mismatch();
			}
			if (!isInProgress(record, now)) {
				this.listener.onOutcome(policy.endpoint(), RequestOutcome.REPLAYED);
				return new ClaimOutcome.Replay(record.state(), record.response());
			}
			long remaining = waitUntil - System.nanoTime();
			if (policy.onConflict() == ConflictStrategy.REJECT || remaining <= 0
					|| !awaitEnd(key, Duration.ofNanos(remaining))) {
				this.listener.onOutcome(policy.endpoint(), RequestOutcome.CONFLICT);
				return new ClaimOutcome.InProgress(RETRY_AFTER);
			}
			// the running execution ended: claim again to replay its result, or to run if it was released
			started = System.nanoTime();
		}
	}

	/**
	 * Runs {@code action} at most once per key and stores its value through {@code codec}; a duplicate gets the
	 * decoded value back. An exception from the action releases the key (a retry runs again) and is rethrown; when
	 * the action called {@link IdempotencyContext#retainResult()} first, the failure is kept instead and a duplicate
	 * gets a {@link RetainedFailureException}. Once the action returned, its effects happened and the key is never
	 * released: when {@code codec} cannot encode the value, the failure is kept (a duplicate gets a
	 * {@link RetainedFailureException} that says so) and the codec's exception is thrown.
	 * @param <T> the action's result type
	 * @param key the key
	 * @param fingerprint the request's fingerprint
	 * @param policy how to protect it
	 * @param codec encodes the result for replay
	 * @param action the code to protect
	 * @return how the request ended
	 * @throws Exception what the action threw
	 * @throws RetainedFailureException when the key's first execution failed and kept its failure
	 */
	public <T> ExecutionResult<T> execute(IdempotencyKey key, RequestFingerprint fingerprint, ExecutionPolicy policy,
			ResultCodec<T> codec, Callable<T> action) throws Exception {
		return this.codecs.execute(key, fingerprint, policy, codec, action);
	}

	/** {@return the number of executions holding a key in this JVM right now} */
	public int activeExecutions() {
		return this.active.count();
	}

	/**
	 * The executions holding a key in this JVM right now, for operators: a copy, oldest first, that does not change
	 * as executions start and end.
	 * @return the running executions
	 */
	public List<RunningExecution> runningExecutions() {
		return this.active.snapshot();
	}

	/** {@return when the oldest execution still running in this JVM claimed its key, or empty when none runs} */
	public Optional<Instant> oldestActiveExecutionStart() {
		return this.active.oldestStart();
	}

	/** {@return the number of keys that duplicates wait on with {@link ConflictStrategy#WAIT}}, for tests */
	int watchedKeys() {
		return this.watcher.watchedKeys();
	}

	/** {@return the store this executor writes to} */
	public IdempotencyStore store() {
		return this.observed.delegate();
	}

	/** {@return the clock the executor reads} */
	public Clock clock() {
		return this.clock;
	}

	/**
	 * Stops renewing leases, and the background polls when the executor created its own scheduler (a scheduler passed
	 * to the builder keeps running); a claim after this fails with an {@link IllegalStateException}.
	 */
	@Override
	public void close() {
		this.onClose.run();
	}

	/** {@link IdempotencyRecord#isInProgressAt(Instant)}, making the instant only for a record that needs it. */
	private static boolean isInProgress(IdempotencyRecord record, long nowEpochMillis) {
		return record.state() == RecordState.ONGOING || (record.awaitingResponseUntil() != null
				&& record.isInProgressAt(Instant.ofEpochMilli(nowEpochMillis)));
	}

	private Execution start(IdempotencyKey key, ClaimResult.Claimed claimed, ExecutionPolicy policy, long now,
			long claimedAtNanos) {
		Execution execution = new Execution(this, key, claimed.owner(), policy, now);
		try {
			this.keepAlive.keepAlive(execution, claimedAtNanos);
		}
		catch (RejectedExecutionException ex) {
			// without renewals the claim must not stay behind: release it so that a retry can run
			execution.release();
			// the executor is closed, or the scheduler passed to its builder was shut down
			throw new IllegalStateException(ex.getMessage(), ex);
		}
		return execution;
	}

	/**
	 * Waits for the key's running execution to end. A scheduler that refuses the polls while it is not shut down
	 * costs the wait nothing (the waiters poll themselves); one that was shut down ends it, as it ends a claim that
	 * would run.
	 */
	private boolean awaitEnd(IdempotencyKey key, Duration timeout) throws InterruptedException {
		try {
			return this.watcher.awaitEnd(key.storageKey(), timeout);
		}
		catch (RejectedExecutionException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	/**
	 * The current instant as the executor passes it to the store: its clock read to the millisecond, so that the
	 * completion, passed in milliseconds, is decided exactly as the claim and the renewals that set the lease.
	 * @param clock the executor's clock
	 * @return the clock's instant, without its part below the millisecond
	 */
	static Instant now(Clock clock) {
		return Instant.ofEpochMilli(clock.millis());
	}

	CompletionWriter writer() {
		return this.writer;
	}

	LeaseKeepAlive keepAlive() {
		return this.keepAlive;
	}

	void ended(Execution execution) {
		this.active.ended(execution);
		this.watcher.signal(execution.key().storageKey());
	}

	private boolean isOngoing(StorageKey key) {
		Instant now = now(this.clock);
		return this.observed.find(key, now).filter((record) -> record.isInProgressAt(now)).isPresent();
	}

}
