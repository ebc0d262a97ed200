package io.github.idempotency.spring.jpa;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.StorageKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JPA store on a private MariaDB server ({@link MariaDbTestServer}), with the MySQL/MariaDB dialect and the
 * {@code schema-mariadb.sql} script.
 */
class JpaIdempotencyStoreMariaDbIT extends AbstractJpaIdempotencyStoreTest {

	@RegisterExtension
	static final StoreTestTable TABLE = StoreTestTable.onMariaDb("idem_store_it", 32);

	/**
	 * MariaDB Connector/J logs every error the server answers at WARN: a claim that lost the race to insert its key
	 * must not raise one, since the store handles that race as normal.
	 */
	@Test
	void racingClaimsLogNoWarningAndHaveOneWinner() throws Exception {
		int threads = 16;
		int rounds = 20;
		AtomicInteger inserts = new AtomicInteger();
		JpaIdempotencyStore store = new JpaIdempotencyStore(countingInserts(TABLE.dataSource(), inserts), TABLE.name());
		ListAppender<ILoggingEvent> warnings = new ListAppender<>();
		ThresholdFilter warnOrWorse = new ThresholdFilter();
		warnOrWorse.setLevel(Level.WARN.levelStr);
		warnOrWorse.start();
		warnings.addFilter(warnOrWorse);
		warnings.start();
		// the driver's, the pool's and Spring's loggers, and the store's own
		List<Logger> loggers = List.of(logger("org.mariadb"), logger("com.zaxxer.hikari"),
				logger("org.springframework"), logger("io.github.idempotency"));
		loggers.forEach((logger) -> logger.addAppender(warnings));
		ExecutorService racers = Executors.newFixedThreadPool(threads);
		try {
			for (int round = 0; round < rounds; round++) {
				StorageKey key = newKey();
				CountDownLatch start = new CountDownLatch(1);
				List<Future<ClaimResult>> claims = new ArrayList<>();
				for (int i = 0; i < threads; i++) {
					claims.add(racers.submit(() -> {
						start.await();
						return store.claim(key, FINGERPRINT, Instant.now(), lease());
					}));
				}
				start.countDown();
				int winners = 0;
				for (Future<ClaimResult> claim : claims) {
					if (claim.get(30, TimeUnit.SECONDS) instanceof ClaimResult.Claimed) {
						winners++;
					}
				}
				assertThat(winners).as("winners of round %d", round).isOne();
			}
		}
		finally {
			racers.shutdownNow();
			loggers.forEach((logger) -> logger.detachAppender(warnings));
		}
		assertThat(inserts.get()).as("inserts, more than one a round: claims lost the race to insert")
			.isGreaterThan(rounds);
		assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
	}

	private static Logger logger(String name) {
		return (Logger) LoggerFactory.getLogger(name);
	}

	/** The database, counting the inserts prepared on its connections. */
	private static DataSource countingInserts(DataSource dataSource, AtomicInteger inserts) {
		return new DelegatingDataSource(dataSource) {

			@Override
			public Connection getConnection() throws SQLException {
				Connection connection = super.getConnection();
				return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
						new Class<?>[] { Connection.class }, (proxy, method, arguments) -> {
							if (method.getName().equals("prepareStatement") && arguments[0] instanceof String sql
									&& sql.toUpperCase(Locale.ROOT).startsWith("INSERT")) {
								inserts.incrementAndGet();
							}
							try {
								return method.invoke(connection, arguments);
							}
							catch (InvocationTargetException ex) {
								throw ex.getCause();
							}
						});
			}

		};
	}

	@Override
	protected StoreTestTable table() {
		return TABLE;
	}

	@Override
	protected String shiftDeadlinesSql() {
		return "UPDATE " + TABLE.name() + " SET expires_at = TIMESTAMPADD(MICROSECOND, -1000 * ?, expires_at), "
				+ "purge_after = TIMESTAMPADD(MICROSECOND, -1000 * ?, purge_after), "
				+ "awaiting_response_until = TIMESTAMPADD(MICROSECOND, -1000 * ?, awaiting_response_until)";
	}

}
