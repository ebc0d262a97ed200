package io.github.idempotency.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The records one class logs during each test, for tests that check what the library logs (the core logs through
 * {@link System.Logger}, which the JDK routes to {@code java.util.logging} when no other backend is installed).
 * Register it on an instance field with {@code @RegisterExtension}; it listens from before each test to after it.
 */
public final class CapturedLog extends Handler implements BeforeEachCallback, AfterEachCallback {

	private final Logger logger;

	private final List<LogRecord> records = new CopyOnWriteArrayList<>();

	private CapturedLog(Logger logger) {
		this.logger = logger;
	}

	/**
	 * Captures what the given class logs under its own name.
	 * @param source the class whose logger to listen to
	 * @return the capture, to register as an extension
	 */
	public static CapturedLog of(Class<?> source) {
		return new CapturedLog(Logger.getLogger(source.getName()));
	}

	/**
	 * What has been logged so far in this test.
	 * @return the records, oldest first
	 */
	public List<LogRecord> records() {
		return this.records;
	}

	/**
	 * What has been logged so far in this test at the given level or above.
	 * @param level the least level
	 * @return the records, oldest first
	 */
	public List<LogRecord> atLeast(Level level) {
		return this.records.stream().filter((record) -> record.getLevel().intValue() >= level.intValue()).toList();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.records.clear();
		this.logger.addHandler(this);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.logger.removeHandler(this);
	}

	@Override
	public void publish(LogRecord record) {
		this.records.add(record);
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
	}

}
