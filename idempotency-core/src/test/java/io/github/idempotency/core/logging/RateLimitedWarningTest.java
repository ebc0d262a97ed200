package io.github.idempotency.core.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import io.github.idempotency.core.testing.CapturedLog;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A warning logged at the first event, then at most once a minute with the number of events since the last; the
 * time is what each event passes, which the tests choose.
 */
class RateLimitedWarningTest {

	private static final long MINUTE = RateLimitedWarning.INTERVAL.toNanos();

	private static final long START = 42;

	private final List<Warning> warnings = new CopyOnWriteArrayList<>();

	private final RateLimitedWarning warning = new RateLimitedWarning(
			(message, thrown) -> this.warnings.add(new Warning(message, thrown)));

	@RegisterExtension
	final CapturedLog log = CapturedLog.of(RateLimitedWarningTest.class);

	@Test
	void firstEventIsLoggedAtOnceWithItsException() {
		IllegalStateException refusal = new IllegalStateException("refused");

		this.warning.warn(START, RateLimitedWarningTest::events, refusal);

		assertThat(this.warnings).containsExactly(new Warning("1 event", refusal));
	}

	@Test
	void eventsWithinAMinuteOfTheLastWarningAreCountedNotLoggedThenTheNextWarningCountsThem() {
		this.warning.warn(START, RateLimitedWarningTest::events);
		this.warning.warn(START + TimeUnit.SECONDS.toNanos(59), RateLimitedWarningTest::events);
		this.warning.warn(START + MINUTE - 1, RateLimitedWarningTest::events);
		assertThat(this.warnings).as("within a minute of the first").hasSize(1);

		this.warning.warn(START + MINUTE, RateLimitedWarningTest::events);
		this.warning.warn(START + 2 * MINUTE - 1, RateLimitedWarningTest::events);

		assertThat(this.warnings).extracting(Warning::message).containsExactly("1 event", "3 events");
		assertThat(this.warning.count()).isEqualTo(5);
	}

	@Test
	void messageIsMadeOnlyWhenTheWarningIsLogged() {
		this.warning.warn(START, RateLimitedWarningTest::events);

		this.warning.warn(START + 1, (count) -> {
			throw new AssertionError("made although not logged");
		}, new IllegalStateException("not logged"));

		assertThat(this.warnings).hasSize(1);
		assertThat(this.warning.count()).isEqualTo(2);
	}

	@Test
	void timesAreComparedByDifferenceAsNanoTimeMustBe() {
		// a nanoTime origin that makes the next warning's time overflow past the largest long
		long start = Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(1);
		this.warning.warn(start, RateLimitedWarningTest::events);
		this.warning.warn(start + TimeUnit.SECONDS.toNanos(30), RateLimitedWarningTest::events);
		assertThat(this.warnings).hasSize(1);

		this.warning.warn(start + MINUTE, RateLimitedWarningTest::events);

		assertThat(this.warnings).extracting(Warning::message).containsExactly("1 event", "2 events");
	}

	@Test
	void eventsCountedByThreadsAtOnceAreEachReportedOnceWhateverTheirClocks() throws Exception {
		int threads = 8;
		int eventsEach = 20_000;
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> counting = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int offset = t;
			counting.add(new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					throw new AssertionError(ex);
				}
				for (int i = 0; i < eventsEach; i++) {
					// clocks that go forward and back, and disagree between threads by minutes
					long now = START + ((i + offset * 7L) % 50) * (MINUTE / 10);
					this.warning.warn(now, RateLimitedWarningTest::countOnly);
				}
			}));
		}
		counting.forEach(Thread::start);
		start.countDown();
		for (Thread thread : counting) {
			thread.join();
		}

		// the last warning reports whatever the ones before it left
		this.warning.warn(START + 100 * MINUTE, RateLimitedWarningTest::countOnly);

		long total = (long) threads * eventsEach + 1;
		assertThat(this.warning.count()).isEqualTo(total);
		assertThat(this.warnings).extracting(Warning::message).allSatisfy((count) -> assertThat(count).isNotEqualTo("0"));
		assertThat(this.warnings.stream().mapToLong((warning) -> Long.parseLong(warning.message())).sum())
			.as("every event reported once").isEqualTo(total);
		assertThat(this.warnings.size()).as("at most one warning a minute of the clocks' 5 minutes, and the last")
			.isBetween(2, 6);
	}

	@Test
	void loggerGetsTheWarningAtWarningLevelWithItsException() {
		RateLimitedWarning logged = RateLimitedWarning.to(System.getLogger(RateLimitedWarningTest.class.getName()));
		IllegalStateException refusal = new IllegalStateException("refused");

		logged.warn(START, RateLimitedWarningTest::events, refusal);
		logged.warn(START + MINUTE, RateLimitedWarningTest::events);

		assertThat(this.log.records()).hasSize(2);
		assertThat(this.log.records().get(0)).satisfies((record) -> {
			assertThat(record.getLevel()).isEqualTo(Level.WARNING);
			assertThat(record.getMessage()).isEqualTo("1 event");
			assertThat(record.getThrown()).isSameAs(refusal);
		});
		assertThat(this.log.records().get(1)).satisfies((record) -> {
			assertThat(record.getLevel()).isEqualTo(Level.WARNING);
			assertThat(record.getThrown()).isNull();
		});
	}

	private static String events(long count) {
		return count + ((count == 1) ? " event" : " events");
	}

	private static String countOnly(long count) {
		return Long.toString(count);
	}

	private record Warning(String message, @Nullable Throwable thrown) {
	}

}
