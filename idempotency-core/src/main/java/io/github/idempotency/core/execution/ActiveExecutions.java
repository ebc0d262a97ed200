package io.github.idempotency.core.execution;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The executions that hold a key in this JVM right now: for the renewal sweep, which visits them to renew the leases
 * that are due, for the executor's gauges and for the read-only {@link RunningExecution} snapshots that operators see.
 * <p>
 * Each execution is linked into one of a few lists by fields of its own, so that starting and ending one allocates
 * nothing (a map would allocate an entry per execution); an execution's list follows from its owner token, so
 * request threads seldom wait for each other's lock.
 */
final class ActiveExecutions {

	private static final int MAX_STRIPES = 64;

	private final Stripe[] stripes;

	ActiveExecutions() {
		int wanted = 2 * Runtime.getRuntime().availableProcessors();
		int count = 1;
		while (count < wanted && count < MAX_STRIPES) {
			count <<= 1;
		}
		this.stripes = new Stripe[count];
		for (int i = 0; i < count; i++) {
			this.stripes[i] = new Stripe();
		}
	}

	void started(Execution execution) {
		Stripe stripe = stripeOf(execution);
		synchronized (stripe) {
			Execution head = stripe.head;
			execution.nextActive = head;
			if (head != null) {
				head.previousActive = execution;
			}
			stripe.head = execution;
			Stripe.COUNT.setRelease(stripe, stripe.count + 1);
		}
	}

	void ended(Execution execution) {
		Stripe stripe = stripeOf(execution);
		synchronized (stripe) {
			Execution previous = execution.previousActive;
			if (previous == null && stripe.head != execution) {
				// never started, or already ended
				return;
			}
			Execution next = execution.nextActive;
			if (previous != null) {
				previous.nextActive = next;
			}
			else {
				stripe.head = next;
			}
			if (next != null) {
				next.previousActive = previous;
			}
			execution.previousActive = null;
			execution.nextActive = null;
			Stripe.COUNT.setRelease(stripe, stripe.count - 1);
		}
	}

	private Stripe stripeOf(Execution execution) {
		// the owner token's hash rather than a field (it costs the execution no bytes) or the identity hash (the
		// first one asked of an object is made by a call into the VM, about as slow as the rest of a start): a token
		// is 128 random bits, and one read back from a store caches its string's hash
		int hash = execution.owner().hashCode();
		return this.stripes[(hash ^ (hash >>> 16)) & (this.stripes.length - 1)];
	}

	int count() {
		int count = 0;
		for (Stripe stripe : this.stripes) {
			count += (int) Stripe.COUNT.getAcquire(stripe);
		}
		return count;
	}

	/**
	 * Whether an active execution still has its lease renewed: one that lost its lease or ran past its maximum time
	 * stays active until it ends, but needs no sweep.
	 * @return {@code true} at the first one found
	 */
	boolean anyRenewing() {
		for (Stripe stripe : this.stripes) {
			if (stripe.count == 0) {
				continue;
			}
			synchronized (stripe) {
				for (Execution execution = stripe.head; execution != null; execution = execution.nextActive) {
					if (execution.isRenewing()) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/**
	 * Shows every active execution to {@code visitor}, one list at a time under its lock: executions that start or
	 * end meanwhile on that list wait, so the visitor must be quick and must not start or end one itself.
	 * @param visitor what to do with each
	 */
	void visit(Consumer<Execution> visitor) {
		for (Stripe stripe : this.stripes) {
			synchronized (stripe) {
				for (Execution execution = stripe.head; execution != null; execution = execution.nextActive) {
					visitor.accept(execution);
				}
			}
		}
	}

	/** {@return the executions running now, oldest first} */
	List<RunningExecution> snapshot() {
		List<Execution> executions = new ArrayList<>();
		visit(executions::add);
		return executions.stream()
			.map(Execution::snapshot)
			.sorted(Comparator.comparing(RunningExecution::startedAt))
			.toList();
	}

	Optional<Instant> oldestStart() {
		List<Execution> executions = new ArrayList<>();
		visit(executions::add);
		return executions.stream().map(Execution::startedAt).min(Instant::compareTo);
	}

	/** One list of active executions, linked through their own fields; guarded by its own lock. */
	static final class Stripe {

		/**
		 * Written under the stripe's lock with release semantics and read without it: a volatile write would add a
		 * full fence to every start and end of an execution, on top of the lock's own, for a gauge's sake.
		 */
		static final VarHandle COUNT;

		static {
			try {
				COUNT = MethodHandles.lookup().findVarHandle(Stripe.class, "count", int.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private @Nullable Execution head;

		private int count;

	}

}
