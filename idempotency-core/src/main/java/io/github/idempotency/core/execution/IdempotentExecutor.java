package io.github.idempotency.core.execution;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;

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
 * Every outcome is reported to the {@link IdempotencyListener}. Thread-safe; one executor serves the application.
 */
public final class IdempotentExecutor implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(IdempotentExecutor.class.getName());

	private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

	private final IdempotencyStore store;

	private final String storeName;

	private final Clock clock;

	private final IdempotencyListener listener;

	private final ScheduledExecutorService scheduler;

	private final boolean ownsScheduler;

	private final CompletionWatcher watcher;

	private final Map<Execution, Instant> active = new ConcurrentHashMap<>();

	private IdempotentExecutor(Builder builder) {
		this.store = builder.store;
		this.storeName = builder.store.name();
		this.clock = builder.clock;
		this.listener = builder.listener;
		this.ownsScheduler = builder.scheduler == null;
		this.scheduler = this.ownsScheduler ? defaultScheduler() : builder.scheduler;
		this.watcher = new CompletionWatcher(this.scheduler, this::isOngoing);
	}

	/**
	 * Starts building an executor on the given store.
	 * @param store the store
	 * @return a builder
	 */
	public static Builder builder(IdempotencyStore store) {
		return new Builder(store);
	}

	/**
	 * Claims a key for a request, in one store round trip (more only while waiting with
	 * {@link ConflictStrategy#WAIT}).
	 * @param key the key
	 * @param fingerprint the request's fingerprint
	 * @param policy how to protect it
	 * @return what to do: run, replay, or refuse
	 * @throws InterruptedException when interrupted while waiting for a running duplicate
	 * @throws IllegalStateException when the executor was closed (a claim it made is released again)
	 */
	public ClaimOutcome claim(IdempotencyKey key, RequestFingerprint fingerprint, ExecutionPolicy policy)
			throws InterruptedException {
		long waitUntil = System.nanoTime() + policy.waitTimeout().toNanos();
		while (true) {
			ClaimResult result;
			Instant now = this.clock.instant();
			try {
				result = timed(StoreOperation.CLAIM,
						() -> this.store.claim(key.storageKey(), fingerprint, now, policy.lease()));
			}
			catch (IdempotencyStoreException ex) {
				this.listener.onOutcome(policy.endpoint(), RequestOutcome.STORE_UNAVAILABLE);
				// a corrupt record means the key was used: failing open would run the execution a second time
				boolean failOpen = policy.storeFailure() == StoreFailureStrategy.FAIL_OPEN
						&& !(ex instanceof CorruptRecordException);
				logger.log(Level.WARNING, "Idempotency store " + this.storeName + " failed to claim " + key + " ("
						+ (failOpen ? "running unprotected" : "refusing the request") + ")", ex);
				return failOpen ? new ClaimOutcome.Unprotected(ex) : new ClaimOutcome.StoreUnavailable(ex, RETRY_AFTER);
			}
			if (result instanceof ClaimResult.Claimed claimed) {
				return new ClaimOutcome.Acquired(start(key, claimed, policy, now));
			}
			IdempotencyRecord record = ((ClaimResult.Existing) result).record();
			if (!record.fingerprint().equals(fingerprint)) {
				this.listener.onOutcome(policy.endpoint(), RequestOutcome.MISMATCH);
				return new ClaimOutcome.Mismatch();
			}
			if (record.state().isFinished()) {
				this.listener.onOutcome(policy.endpoint(), RequestOutcome.REPLAYED);
				return new ClaimOutcome.Replay(record.state(), record.response());
			}
			long remaining = waitUntil - System.nanoTime();
			if (policy.onConflict() == ConflictStrategy.REJECT || remaining <= 0
					|| !this.watcher.awaitEnd(key.storageKey(), Duration.ofNanos(remaining))) {
				this.listener.onOutcome(policy.endpoint(), RequestOutcome.CONFLICT);
				return new ClaimOutcome.InProgress(RETRY_AFTER);
			}
			// the running execution ended: claim again to replay its result, or to run if it was released
		}
	}

	/**
	 * Runs {@code action} at most once per key and stores its value through {@code codec}; a duplicate gets the
	 * decoded value back. An exception from the action releases the key (a retry runs again) and is rethrown; when
	 * the action called {@link IdempotencyContext#retainResult()} first, the failure is kept instead and a duplicate
	 * gets a {@link RetainedFailureException}.
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
		ClaimOutcome outcome = claim(key, fingerprint, policy);
		if (outcome instanceof ClaimOutcome.Acquired acquired) {
			return run(acquired.execution(), codec, action);
		}
		if (outcome instanceof ClaimOutcome.Replay replay) {
			if (replay.state() == RecordState.FINISHED_ERROR) {
				throw new RetainedFailureException("The first execution of " + key
						+ " failed after its effect happened and kept that failure; it does not run again");
			}
			return new ExecutionResult.Replayed<>(codec.decode(replay.response().body()));
		}
		if (outcome instanceof ClaimOutcome.InProgress inProgress) {
			return new ExecutionResult.InProgress<>(inProgress.retryAfter());
		}
		if (outcome instanceof ClaimOutcome.Mismatch) {
			return new ExecutionResult.Mismatch<>();
		}
		if (outcome instanceof ClaimOutcome.StoreUnavailable unavailable) {
			return new ExecutionResult.StoreUnavailable<>(unavailable.cause(), unavailable.retryAfter());
		}
		return new ExecutionResult.Executed<>(action.call(), true);
	}

	/**
	 * The number of executions holding a key in this JVM right now.
	 * @return the count
	 */
	public int activeExecutions() {
		return this.active.size();
	}

	/**
	 * When the oldest execution still running in this JVM claimed its key.
	 * @return its start, or empty when none runs
	 */
	public Optional<Instant> oldestActiveExecutionStart() {
		return this.active.values().stream().min(Instant::compareTo);
	}

	/**
	 * The number of keys that duplicates wait on with {@link ConflictStrategy#WAIT}; all waiters on one key share
	 * one watch. For tests and diagnostics.
	 * @return the count
	 */
	int watchedKeys() {
		return this.watcher.watchedKeys();
	}

	/**
	 * The store this executor writes to.
	 * @return the store
	 */
	public IdempotencyStore store() {
		return this.store;
	}

	/**
	 * The clock the executor reads.
	 * @return the clock
	 */
	public Clock clock() {
		return this.clock;
	}

	/** Stops the background renewals and polls (when the executor created its own scheduler). */
	@Override
	public void close() {
		if (this.ownsScheduler) {
			this.scheduler.shutdownNow();
		}
	}

	private <T> ExecutionResult<T> run(Execution execution, ResultCodec<T> codec, Callable<T> action)
			throws Exception {
		T value;
		byte[] encoded;
		try (IdempotencyContext.Scope scope = execution.context().bind()) {
			value = action.call();
			encoded = codec.encode(value);
		}
		catch (Throwable ex) {
			if (execution.context().isResultRetained()) {
				// the effect happened: keep the failure so that a retry does not run it again
				execution.complete(RecordState.FINISHED_ERROR, StoredResponse.notRetained(500, Map.of()));
			}
			else {
				execution.release();
			}
			throw ex;
		}
		execution.complete(RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(), encoded));
		return new ExecutionResult.Executed<>(value, false);
	}

	private Execution start(IdempotencyKey key, ClaimResult.Claimed claimed, ExecutionPolicy policy, Instant now) {
		Execution execution = new Execution(this, key, claimed.owner(), policy, now);
		this.active.put(execution, now);
		long period = Math.max(1, policy.lease().toMillis() / 3);
		try {
			execution.startRenewal(this.scheduler.scheduleAtFixedRate(() -> renew(execution), period, period,
					TimeUnit.MILLISECONDS));
		}
		catch (RejectedExecutionException ex) {
			// without renewals the claim must not stay behind: release it so that a retry can run
			execution.release();
			throw new IllegalStateException("The idempotent executor is closed", ex);
		}
		return execution;
	}

	private void renew(Execution execution) {
		if (execution.isEnded()) {
			return;
		}
		try {
			boolean renewed = timed(StoreOperation.RENEW, () -> this.store.renew(execution.key().storageKey(),
					execution.owner(), this.clock.instant(), execution.policy().lease()));
			if (!renewed && !execution.isEnded()) {
				execution.markLeaseLost();
				this.listener.onFencedWrite(execution.policy().endpoint(), StoreOperation.RENEW);
				logger.log(Level.WARNING, "Lost the lease of " + execution.key()
						+ " while it still runs: another execution may take it over");
			}
		}
		catch (RuntimeException ex) {
			// the lease covers three periods, so one failure is survivable; a run of them loses the lease, which
			// an operator should see coming
			logger.log(Level.WARNING, "Failed to renew the lease of " + execution.key() + "; the next renewal "
					+ "tries again", ex);
		}
	}

	WriteOutcome complete(Execution execution, RecordState state, StoredResponse response) {
		String endpoint = execution.policy().endpoint();
		try {
			boolean written = timed(StoreOperation.COMPLETE, () -> this.store.complete(execution.key().storageKey(),
					execution.owner(), state, response, this.clock.instant(), execution.policy().retention()));
			return completed(execution, response, written);
		}
		catch (RuntimeException ex) {
			this.listener.onOutcome(endpoint, RequestOutcome.EXECUTED);
			logger.log(Level.ERROR, "Failed to store the result of " + execution.key() + "; unless a joined "
					+ "transaction already finished its record, a retry after its lease runs out runs again", ex);
			return WriteOutcome.FAILED;
		}
		finally {
			ended(execution);
		}
	}

	WriteOutcome completedInTransaction(Execution execution, StoredResponse response, boolean written) {
		try {
			return completed(execution, response, written);
		}
		finally {
			ended(execution);
		}
	}

	private WriteOutcome completed(Execution execution, StoredResponse response, boolean written) {
		String endpoint = execution.policy().endpoint();
		this.listener.onOutcome(endpoint, RequestOutcome.EXECUTED);
		if (!written) {
			this.listener.onFencedWrite(endpoint, StoreOperation.COMPLETE);
			logger.log(Level.WARNING, "The completion of " + execution.key() + " was refused: its lease ran out "
					+ "before it finished, so its result was not stored and a duplicate may run");
			return WriteOutcome.FENCED;
		}
		this.listener.onResponseStored(endpoint, response.bodyLength());
		return WriteOutcome.APPLIED;
	}

	WriteOutcome release(Execution execution) {
		String endpoint = execution.policy().endpoint();
		this.listener.onOutcome(endpoint, RequestOutcome.RELEASED);
		try {
			boolean released = timed(StoreOperation.RELEASE,
					() -> this.store.release(execution.key().storageKey(), execution.owner(), this.clock.instant()));
			if (!released) {
				this.listener.onFencedWrite(endpoint, StoreOperation.RELEASE);
				logger.log(Level.WARNING, "The release of " + execution.key() + " was refused: its lease ran out");
				return WriteOutcome.FENCED;
			}
			return WriteOutcome.APPLIED;
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Failed to release " + execution.key()
					+ "; retries are refused until its lease runs out", ex);
			return WriteOutcome.FAILED;
		}
		finally {
			ended(execution);
		}
	}

	private void ended(Execution execution) {
		this.active.remove(execution);
		this.watcher.signal(execution.key().storageKey());
	}

	private boolean isOngoing(StorageKey key) {
		Optional<IdempotencyRecord> record = timed(StoreOperation.FIND, () -> this.store.find(key, this.clock.instant()));
		return record.isPresent() && record.get().state() == RecordState.ONGOING;
	}

	private <R> R timed(StoreOperation operation, Supplier<R> call) {
		long start = System.nanoTime();
		StoreOperationResult result = StoreOperationResult.ERROR;
		try {
			R value = call.get();
			result = Boolean.FALSE.equals(value) ? StoreOperationResult.FENCED : StoreOperationResult.SUCCESS;
			return value;
		}
		catch (IdempotencyStoreException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// a store that leaks its client's exceptions is still a failing store
			throw new IdempotencyStoreException("Idempotency store " + this.storeName + " failed to "
					+ operation.tagValue(), ex);
		}
		finally {
			this.listener.onStoreOperation(this.storeName, operation, result,
					Duration.ofNanos(System.nanoTime() - start));
		}
	}

	private static ScheduledExecutorService defaultScheduler() {
		// two threads, so that a slow store read by a waiters' poll never holds up a lease renewal for long
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, (runnable) -> {
			Thread thread = new Thread(runnable, "idempotency-lease");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

	/**
	 * Configures an {@link IdempotentExecutor}.
	 */
	public static final class Builder {

		private final IdempotencyStore store;

		private Clock clock = Clock.systemUTC();

		private IdempotencyListener listener = IdempotencyListener.NONE;

		private ScheduledExecutorService scheduler;

		private Builder(IdempotencyStore store) {
			this.store = Objects.requireNonNull(store, "store");
		}

		/**
		 * The clock for {@code now} arguments; tests pass a mutable one.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Receives outcomes, store timings and fenced writes.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(IdempotencyListener listener) {
			this.listener = Objects.requireNonNull(listener, "listener");
			return this;
		}

		/**
		 * Runs lease renewals and waits' polls; by default the executor creates a daemon thread of its own and
		 * shuts it down on {@link IdempotentExecutor#close()}. A scheduler passed here is not shut down.
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder scheduler(ScheduledExecutorService scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
			return this;
		}

		public IdempotentExecutor build() {
			return new IdempotentExecutor(this);
		}

	}

}
