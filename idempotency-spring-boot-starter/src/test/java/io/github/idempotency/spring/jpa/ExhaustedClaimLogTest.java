package io.github.idempotency.spring.jpa;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Claims that ran out of attempts are logged at most once a minute, each warning describing the latest claim and
 * counting those since the last warning; the time is a fake {@code nanoTime} that the test moves.
 */
class ExhaustedClaimLogTest {

	private static final String LOGGER = ExhaustedClaimLogTest.class.getName();

	private final AtomicLong nanoTime = new AtomicLong(42);

	private final ExhaustedClaimLog exhaustedClaims = new ExhaustedClaimLog(LogFactory.getLog(LOGGER),
			this.nanoTime::get);

	private final Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	@BeforeEach
	void capture() {
		this.log.start();
		this.logger.addAppender(this.log);
	}

	@AfterEach
	void stopCapture() {
		this.logger.detachAppender(this.log);
	}

	@Test
	void firstClaimIsLoggedThenAtMostOneWarningAMinuteCountsTheClaimsSinceTheLast() {
		this.exhaustedClaims.exhausted(() -> "claim a");
		assertThat(warnings()).containsExactly("claim a (1 claim ran out of attempts since the last such warning; "
				+ "logged at most once a minute)");

		this.nanoTime.addAndGet(TimeUnit.SECONDS.toNanos(59));
		this.exhaustedClaims.exhausted(() -> "claim b");
		this.exhaustedClaims.exhausted(() -> "claim c");
		assertThat(warnings()).as("within a minute of the first").hasSize(1);

		this.nanoTime.addAndGet(TimeUnit.SECONDS.toNanos(1));
		this.exhaustedClaims.exhausted(() -> "claim d");
		assertThat(warnings()).hasSize(2)
			.last()
			.satisfies((message) -> assertThat(message).startsWith("claim d (3 claims ran out of attempts"));

		this.nanoTime.addAndGet(ExhaustedClaimLog.INTERVAL_NANOS - 1);
		this.exhaustedClaims.exhausted(() -> "claim e");
		assertThat(warnings()).hasSize(2);
	}

	@Test
	void nothingIsDescribedWhenWarningsAreOff() {
		this.logger.setLevel(Level.ERROR);
		try {
			this.exhaustedClaims.exhausted(() -> {
				throw new AssertionError("described although not logged");
			});
		}
		finally {
			this.logger.setLevel(null);
		}
		assertThat(this.log.list).isEmpty();
	}

	private List<String> warnings() {
		return this.log.list.stream()
			.filter((event) -> event.getLevel() == Level.WARN)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

}
