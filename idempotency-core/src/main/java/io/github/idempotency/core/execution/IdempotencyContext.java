package io.github.idempotency.core.execution;

import java.time.Instant;
import java.util.Optional;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.OwnerToken;

/**
 * The claim of the execution running on the current thread, for the protected code to read.
 * <ul>
 * <li>{@link #ownerToken()} guards the code's own writes (e.g. a conditional update that carries the token), so a
 * taken-over execution cannot overwrite the new owner's work.</li>
 * <li>{@link #downstreamKey()} is the key to pass to another system's idempotent API, so that a retry after a crash
 * is deduplicated there as well.</li>
 * <li>{@link #retainResult()} keeps a failure's result (e.g. a 5xx after the payment was taken) instead of
 * releasing the key, when the side effect is known to have happened.</li>
 * <li>{@link #leaseDeadline()} and {@link #isLeaseLost()} tell whether the claim still holds, for a long method to
 * check before an irreversible step: past the deadline another execution may have taken the key over.</li>
 * </ul>
 */
public final class IdempotencyContext {

	private static final ThreadLocal<IdempotencyContext> CURRENT = new ThreadLocal<>();

	// a view of the execution, which holds the state: a context made twice for one execution reads the same
	private final Execution execution;

	IdempotencyContext(Execution execution) {
		this.execution = execution;
	}

	/**
	 * The context of the execution running on this thread.
	 * @return the context, or empty outside a protected execution (or when it runs unprotected because the store
	 * failed open)
	 */
	public static Optional<IdempotencyContext> current() {
		return Optional.ofNullable(CURRENT.get());
	}

	/**
	 * The context of the execution running on this thread.
	 * @return the context
	 * @throws IllegalStateException outside a protected execution
	 */
	public static IdempotencyContext require() {
		IdempotencyContext context = CURRENT.get();
		if (context == null) {
			throw new IllegalStateException("No idempotent execution runs on this thread");
		}
		return context;
	}

	/**
	 * Makes this context current on this thread until the returned scope is closed.
	 * @return the scope to close
	 */
	public Scope bind() {
		IdempotencyContext previous = CURRENT.get();
		CURRENT.set(this);
		return () -> {
			if (previous == null) {
				CURRENT.remove();
			}
			else {
				CURRENT.set(previous);
			}
		};
	}

	public IdempotencyKey key() {
		return this.execution.key();
	}

	public OwnerToken ownerToken() {
		return this.execution.owner();
	}

	/**
	 * A deterministic key for calls to other systems.
	 * @return the same value for every execution of this key
	 * @see IdempotencyKey#downstreamKey()
	 */
	public String downstreamKey() {
		return this.execution.key().downstreamKey();
	}

	/**
	 * When the claim runs out unless it is renewed again, by the executor's clock. Renewals move it forward every
	 * third of the lease while the execution runs, up to {@code max-execution-time} when one is set.
	 * @return the lease deadline as last renewed
	 */
	public Instant leaseDeadline() {
		return this.execution.leaseDeadline();
	}

	/**
	 * Whether the claim is lost: a renewal was refused (another execution took the key over), the deadline passed
	 * without a renewal (renewals failed, the scheduler refused to run them, or they stopped after
	 * {@code max-execution-time}), or renewals stopped for good
	 * because the scheduler passed to the executor was shut down. Code about to do
	 * something irreversible checks this first; a {@code true} means a duplicate may run, or may have run.
	 * @return {@code true} once the claim can no longer be relied upon
	 */
	public boolean isLeaseLost() {
		return this.execution.isLeaseLostByNow();
	}

	/**
	 * Asks to keep the result of this execution even if it fails with a server error: the side effect happened,
	 * so a retry must replay the failure rather than run again.
	 */
	public void retainResult() {
		this.execution.retainResult();
	}

	/**
	 * Whether {@link #retainResult()} was called.
	 * @return {@code true} when a failure's result must be kept
	 */
	public boolean isResultRetained() {
		return this.execution.isResultRetained();
	}

	/** Ends a {@link #bind()}. */
	@FunctionalInterface
	public interface Scope extends AutoCloseable {

		@Override
		void close();

	}

}
