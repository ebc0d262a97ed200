package io.github.idempotency.core.execution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.testing.Await;
import io.github.idempotency.core.testing.CapturedLog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CompletionWatcherTest {

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final ExecutorService waiters = Executors.newCachedThreadPool();

	private final AtomicInteger polls = new AtomicInteger();

	private final AtomicBoolean ongoing = new AtomicBoolean(true);

	private final CompletionWatcher watcher = new CompletionWatcher(this.scheduler, (key) -> {
		this.polls.incrementAndGet();
		return this.ongoing.get();
	});

	private final StorageKey key = IdempotencyKey.of("", "watch", "k").storageKey();

	private final RefusingScheduler refusing = new RefusingScheduler();

	private final CompletionWatcher refusedWatcher = new CompletionWatcher(this.refusing, (key) -> {
		this.polls.incrementAndGet();
		return this.ongoing.get();
	});

	@RegisterExtension
	final CapturedLog executorLog = CapturedLog.of(IdempotentExecutor.class);

	@AfterEach
	void shutDown() {
		this.waiters.shutdownNow();
		this.scheduler.shutdownNow();
		this.refusing.shutdownNow();
	}

	private final List<Thread> waiterThreads = new CopyOnWriteArrayList<>();

	private List<Future<Boolean>> wait(int count, Duration timeout) {
		return wait(this.watcher, count, timeout);
	}

	private List<Future<Boolean>> wait(CompletionWatcher watcher, int count, Duration timeout) {
		List<Future<Boolean>> futures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			futures.add(this.waiters.submit(() -> {
				this.waiterThreads.add(Thread.currentThread());
				return watcher.awaitEnd(this.key, timeout);
			}));
		}
		Await.until(() -> this.waiterThreads.size() == count && this.waiterThreads.stream().allMatch((thread) -> {
			Thread.State state = thread.getState();
			return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
		}), "every waiter waits");
		return futures;
	}

	@Test
	void localSignalWakesEveryWaiterOfTheKey() throws Exception {
		List<Future<Boolean>> futures = wait(8, Duration.ofSeconds(30));
		assertThat(this.watcher.watchedKeys()).isEqualTo(1);
		// the store still says ongoing: only the signal can end these waits
		this.watcher.signal(this.key);
		for (Future<Boolean> future : futures) {
			assertThat(future.get(10, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(this.watcher.watchedKeys()).isZero();
	}

	@Test
	void waitersShareOnePollOfTheStore() throws Exception {
		List<Future<Boolean>> futures = wait(20, Duration.ofSeconds(30));
		Await.until(() -> this.polls.get() >= 4, "a few polls");
		assertThat(this.watcher.watchedKeys()).isEqualTo(1);
		// one poll per back-off step (10 ms doubling to 250 ms) however many wait, not one per waiter
		assertThat(this.polls.get()).isLessThan(20);
		this.ongoing.set(false);
		for (Future<Boolean> future : futures) {
			assertThat(future.get(10, TimeUnit.SECONDS)).isTrue();
		}
		Await.until(() -> this.watcher.watchedKeys() == 0, "the watch closes");
	}

	@Test
	void timeoutLeavesAndTheLastWaiterClosesTheWatch() throws Exception {
		assertThat(this.watcher.awaitEnd(this.key, Duration.ofMillis(50))).isFalse();
		assertThat(this.watcher.watchedKeys()).isZero();
		int pollsAfterClose = this.polls.get();
		// a closed watch polls no more: wait longer than the longest back-off for a poll that must not come
		assertThat(this.watcher.awaitEnd(IdempotencyKey.of("", "watch", "other").storageKey(), Duration.ofMillis(300)))
			.isFalse();
		assertThat(this.polls.get() - pollsAfterClose).isLessThanOrEqualTo(5);
	}

	@Test
	void failingPollCountsAsStillOngoing() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		CompletionWatcher failing = new CompletionWatcher(this.scheduler, (key) -> {
			if (calls.incrementAndGet() < 3) {
				throw new IllegalStateException("store down");
			}
			return false;
		});
		assertThat(failing.awaitEnd(this.key, Duration.ofSeconds(10))).isTrue();
		assertThat(calls.get()).isEqualTo(3);
	}

	@Test
	void signalWithoutWaitersDoesNothing() {
		this.watcher.signal(this.key);
		assertThat(this.watcher.watchedKeys()).isZero();
	}

	@Test
	void waitersPollTheStoreThemselvesOnePollAtATimeWhenTheSchedulerRefusesTheFirstPoll() throws Exception {
		this.refusing.refuse(0, Integer.MAX_VALUE);
		List<Future<Boolean>> futures = wait(this.refusedWatcher, 20, Duration.ofSeconds(30));
		Await.until(() -> this.polls.get() >= 4, "a few polls by the waiters");
		assertThat(this.refusing.refused).as("the first waiter's poll, and nothing after it").hasValue(1);
		// the same back-off, the turn taken by one waiter: not one read per waiter
		assertThat(this.polls.get()).isLessThan(20);

		this.ongoing.set(false);

		for (Future<Boolean> future : futures) {
			assertThat(future.get(10, TimeUnit.SECONDS)).isTrue();
		}
		Await.until(() -> this.refusedWatcher.watchedKeys() == 0, "the watch closes");
		assertThat(this.executorLog.atLeast(Level.WARNING)).singleElement()
			.satisfies((record) -> assertThat(record.getMessage()).contains("refused to poll the store")
				.contains("(1 refusal since the last warning)"));
	}

	@Test
	void waitersPollTheStoreThemselvesWhenTheSchedulerRefusesALaterPoll() throws Exception {
		// the first poll is taken, the one it schedules next refused
		this.refusing.refuse(1, Integer.MAX_VALUE);
		List<Future<Boolean>> futures = wait(this.refusedWatcher, 3, Duration.ofSeconds(30));
		Await.until(() -> this.refusing.refused.get() == 1, "the scheduler to refuse the second poll");
		int pollsByTheScheduler = this.polls.get();
		Await.until(() -> this.polls.get() > pollsByTheScheduler, "a poll by a waiter");

		this.ongoing.set(false);

		for (Future<Boolean> future : futures) {
			assertThat(future.get(10, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(this.refusing.refused).hasValue(1);
	}

	@ParameterizedTest(name = "polled by the waiters: {0}")
	@ValueSource(booleans = { false, true })
	void schedulerShutDownWhileWaitingEndsTheWaitWithARefusal(boolean refusedBefore) throws Exception {
		if (refusedBefore) {
			this.refusing.refuse(0, Integer.MAX_VALUE);
		}
		List<Future<Boolean>> futures = wait(this.refusedWatcher, 3, Duration.ofSeconds(30));
		Await.until(() -> this.polls.get() >= 1, "a poll");

		// a poll it holds is dropped unrun: the waiters themselves notice the shut-down
		this.refusing.shutdownNow();

		for (Future<Boolean> future : futures) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(RejectedExecutionException.class)
				.withMessageContaining("was shut down");
		}
		assertThat(this.refusedWatcher.watchedKeys()).isZero();
	}

	@Test
	void stoppedSchedulerLeavesNoWatchBehind() {
		this.scheduler.shutdownNow();
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> this.watcher.awaitEnd(this.key, Duration.ofSeconds(1)));
		assertThat(this.watcher.watchedKeys()).isZero();
	}

	@Test
	void errorFromTheSchedulerAtTheFirstPollLeavesNoWatchBehind() throws Exception {
		// an Error, as a scheduler that cannot start a thread throws: it is not a refusal, but must not strand the key
		this.refusing.failOnce(new Error("test: a scheduler that breaks"));

		assertThatExceptionOfType(Error.class)
			.isThrownBy(() -> this.refusedWatcher.awaitEnd(this.key, Duration.ofSeconds(30)))
			.withMessage("test: a scheduler that breaks");

		assertThat(this.refusedWatcher.watchedKeys()).isZero();
		// the next waiter on the key is polled again, and learns that the record ended
		this.ongoing.set(false);
		assertThat(this.refusedWatcher.awaitEnd(this.key, Duration.ofSeconds(10))).isTrue();
		assertThat(this.refusedWatcher.watchedKeys()).isZero();
	}

	@Test
	void errorFromTheSchedulerAtALaterPollHandsThePollsToTheWaiters() throws Exception {
		CountDownLatch firstPoll = new CountDownLatch(1);
		CountDownLatch pollGoesOn = new CountDownLatch(1);
		CompletionWatcher watcher = new CompletionWatcher(this.refusing, (key) -> {
			if (this.polls.incrementAndGet() == 1) {
				firstPoll.countDown();
				awaitUninterruptibly(pollGoesOn);
			}
			return this.ongoing.get();
		});
		List<Future<Boolean>> futures = wait(watcher, 3, Duration.ofSeconds(30));
		assertThat(firstPoll.await(10, TimeUnit.SECONDS)).isTrue();
		// the poll running now reads the store, then fails to schedule the next one
		this.refusing.failOnce(new Error("test: a scheduler that breaks"));
		pollGoesOn.countDown();
		Await.until(() -> this.refusing.failed.get() == 1, "the scheduler to fail the next poll");

		// through the store only: no signal, so only a poll, the waiters' own, can tell them
		this.ongoing.set(false);

		for (Future<Boolean> future : futures) {
			assertThat(future.get(10, TimeUnit.SECONDS)).isTrue();
		}
		Await.until(() -> watcher.watchedKeys() == 0, "the watch closes");
	}

	@Test
	void storeReadThatThrowsAnErrorOnTheSchedulerHandsThePollsToTheWaiters() throws Exception {
		CompletionWatcher watcher = new CompletionWatcher(this.scheduler, (key) -> {
			if (this.polls.incrementAndGet() == 1) {
				throw new Error("test: a store read that breaks");
			}
			return this.ongoing.get();
		});
		List<Future<Boolean>> futures = wait(watcher, 3, Duration.ofSeconds(30));
		Await.until(() -> this.polls.get() >= 1, "the first poll");

		this.ongoing.set(false);

		for (Future<Boolean> future : futures) {
			assertThat(future.get(10, TimeUnit.SECONDS)).isTrue();
		}
		Await.until(() -> watcher.watchedKeys() == 0, "the watch closes");
	}

	@ParameterizedTest(name = "{0} polls taken before the refusals")
	@ValueSource(ints = { 0, 1 })
	void refusalIsLoggedWithoutHoldingTheWatch(int taken) throws Exception {
		this.refusing.refuse(taken, Integer.MAX_VALUE);
		// a log handler that blocks (a slow appender) must not hold up the end of the execution: a signal sent while
		// the warning is written goes through
		AtomicBoolean signalledWhileLogging = new AtomicBoolean();
		CountDownLatch logged = new CountDownLatch(1);
		Handler signalling = new Handler() {

			@Override
			public void publish(LogRecord record) {
				if (!record.getMessage().contains("refused to poll the store")) {
					return;
				}
				Thread signaller = new Thread(
						() -> CompletionWatcherTest.this.refusedWatcher.signal(CompletionWatcherTest.this.key));
				signaller.start();
				try {
					signaller.join(TimeUnit.SECONDS.toMillis(10));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				signalledWhileLogging.set(!signaller.isAlive());
				logged.countDown();
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}

		};
		Logger logger = Logger.getLogger(IdempotentExecutor.class.getName());
		logger.addHandler(signalling);
		try {
			assertThat(this.refusedWatcher.awaitEnd(this.key, Duration.ofSeconds(30))).isTrue();
		}
		finally {
			logger.removeHandler(signalling);
		}
		// the warning of a later poll's refusal is written on the scheduler's thread
		assertThat(logged.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(signalledWhileLogging).as("the signal went through while the warning was logged").isTrue();
		assertThat(this.refusedWatcher.watchedKeys()).isZero();
	}

	@Test
	void loggerThatThrowsOnTheRefusalLeavesNoWatchBehind() throws Exception {
		this.refusing.refuse(0, Integer.MAX_VALUE);
		// java.util.logging passes on what a handler throws
		Handler throwing = new Handler() {

			@Override
			public void publish(LogRecord record) {
				throw new IllegalStateException("test: a handler that breaks");
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}

		};
		Logger logger = Logger.getLogger(IdempotentExecutor.class.getName());
		logger.addHandler(throwing);
		try {
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> this.refusedWatcher.awaitEnd(this.key, Duration.ofSeconds(30)))
				.withMessage("test: a handler that breaks");
		}
		finally {
			logger.removeHandler(throwing);
		}
		assertThat(this.refusedWatcher.watchedKeys()).isZero();
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
