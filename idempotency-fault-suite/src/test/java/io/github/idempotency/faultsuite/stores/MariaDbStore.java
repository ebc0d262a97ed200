package io.github.idempotency.faultsuite.stores;

import java.time.Duration;
import java.util.Map;

import io.github.idempotency.faultsuite.harness.FreePorts;
import io.github.idempotency.spring.jpa.MariaDbServerProcess;
import org.junit.jupiter.api.Assumptions;

/**
 * A MariaDB server of the suite's own: a {@link MariaDbServerProcess}, with a fresh data directory on a free loopback
 * port (the machine's shared server is never touched). The app runs its JPA profile on it, payments and idempotency
 * records in one database. The server starts once per suite (installing a data directory costs seconds of CPU) and
 * the app's tables are emptied each time a scenario asks for it; it stops when the suite's JVM exits.
 */
public final class MariaDbStore implements StoreUnderTest {

	private static MariaDbStore running;

	private final MariaDbServerProcess server;

	private MariaDbStore(MariaDbServerProcess server) {
		this.server = server;
	}

	/**
	 * Starts a server; skips the calling scenario where MariaDB is not installed.
	 * @return the store
	 */
	public static synchronized MariaDbStore start() {
		if (running == null || !running.server.isRunning()) {
			Assumptions.assumeTrue(MariaDbServerProcess.installed(), "mariadbd is not installed");
			MariaDbServerProcess server = MariaDbServerProcess.start(FreePorts.next(), "faultsuite",
					Duration.ofSeconds(90));
			Runtime.getRuntime().addShutdownHook(new Thread(server::close, "fault-suite-mariadb"));
			running = new MariaDbStore(server);
		}
		StoreDatabase.of(running).emptyAppTables();
		return running;
	}

	@Override
	public String name() {
		return "mariadb";
	}

	@Override
	public String profile() {
		// the JPA profile; its datasource is pointed at MariaDB below
		return "postgres";
	}

	@Override
	public Map<String, String> appProperties() {
		return Map.of("spring.datasource.url", this.server.jdbcUrl(), "spring.datasource.username", "root",
				"spring.datasource.password", "", "spring.datasource.hikari.maximum-pool-size", "20");
	}

	/** The server outlives the scenario: the next one empties its tables. */
	@Override
	public void close() {
	}

}
