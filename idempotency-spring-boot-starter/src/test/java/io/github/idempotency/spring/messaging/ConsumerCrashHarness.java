package io.github.idempotency.spring.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.spring.jpa.PostgresTestServer;
import io.github.idempotency.spring.messaging.ChargeLedger.Charge;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a consumer crash test does whatever its broker: starts the consumer in a child JVM (an application that
 * imports {@link CrashingConsumerConfiguration}) on a {@link DurableConsumerStore}, with its charges booked in a
 * PostgreSQL {@link ChargeLedger} that survives it; kills it ({@code SIGKILL}) at a {@link KillPoint}; and checks the
 * charges and the idempotency record the consumers left. The broker's test class adds the broker: its arguments, its
 * messages, and what the broker shows (a requeued message, a committed offset).
 */
public final class ConsumerCrashHarness {

	/** A child JVM starts a Spring Boot application: generous on a busy machine, and only ever waited for. */
	public static final Duration PATIENCE = Duration.ofSeconds(90);

	/**
	 * The consumer's argument for a lease shorter than the default, so that the takeover after a crash between charge and
	 * completion comes soon; long enough that the first consumer's renewals (every third of it) keep its claim alive on a
	 * busy machine until the test looked at it: an ONGOING Redis record expires with its lease.
	 */
	public static final String SHORT_LEASE = "--idempotency.lease=10s";

	private final String ledgerTable;

	private final DurableConsumerStore store;

	private final List<ChildJvm> children = new ArrayList<>();

	private HikariDataSource ledgerPool;

	private ChargeLedger ledger;

	/**
	 * @param ledgerTablePrefix the start of the ledger table's name, which a random suffix makes the run's own
	 * @param store the consumers' store
	 */
	public ConsumerCrashHarness(String ledgerTablePrefix, DurableConsumerStore store) {
		this.ledgerTable = ledgerTablePrefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		this.store = store;
	}

	/** Creates the ledger, unless it exists. */
	public void createLedger() {
		if (this.ledger != null) {
			return;
		}
		this.ledgerPool = PostgresTestServer.get().newDataSource(2);
		this.ledger = new ChargeLedger(this.ledgerPool, this.ledgerTable);
		this.ledger.create();
	}

	/** {@return the ledger the consumers book their charges in} */
	public ChargeLedger ledger() {
		return this.ledger;
	}

	/**
	 * Starts a consumer in a child JVM, killed at the latest by {@link #killChildren()}.
	 * @param name its name, for its log
	 * @param application its application class
	 * @param killPoint where it waits to be killed
	 * @param arguments its broker's command line arguments, then any more
	 * @return the running child
	 */
	public ChildJvm start(String name, Class<?> application, KillPoint killPoint, List<String> arguments) {
		PostgresTestServer postgres = PostgresTestServer.get();
		List<String> command = new ArrayList<>(List.of("--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--logging.level.io.github.idempotency=INFO", "--test.kill-at=" + killPoint.where(),
				"--test.kill-message=" + killPoint.messageId(), "--test.ledger.url=" + postgres.jdbcUrl(),
				"--test.ledger.table=" + this.ledgerTable));
		if (postgres.username() != null) {
			command.add("--test.ledger.username=" + postgres.username());
			command.add("--test.ledger.password=" + postgres.password());
		}
		this.store.properties().forEach((property) -> command.add("--" + property));
		command.addAll(arguments);
		ChildJvm child = ChildJvm.start(name, application, command);
		this.children.add(child);
		return child;
	}

	/**
	 * Waits until a child reached its kill point.
	 * @param child the child
	 * @param killPoint its kill point
	 */
	public void awaitKillPoint(ChildJvm child, KillPoint killPoint) {
		child.awaitEvent("kill-point", killPoint.reached(), PATIENCE);
	}

	/** Kills the children that still run. */
	public void killChildren() {
		this.children.forEach(ChildJvm::close);
		this.children.clear();
	}

	/** Kills the children, drops the ledger and cleans up the store, if the ledger was ever created. */
	public void cleanUp() {
		killChildren();
		if (this.ledger != null) {
			this.ledger.drop();
			this.ledgerPool.close();
			this.store.cleanUp();
		}
	}

	/**
	 * Asserts that a consumer killed after the completion of a message charged it once, and stored the completion.
	 * @param messageId the message
	 * @return its charge
	 */
	public Charge assertChargedOnceAndCompleted(String messageId) {
		List<Charge> charged = this.ledger.charges(messageId);
		assertThat(charged).as("charges before the kill").hasSize(1);
		Charge charge = charged.get(0);
		assertThat(charge.storageKey()).as("the charge ran under an idempotency record").isNotNull();
		assertThat(recordState(charge)).as("the completion is stored before the kill")
			.isEqualTo(RecordState.FINISHED_OK);
		return charge;
	}

	/**
	 * Asserts that a consumer killed after the charge of a message had not stored the completion.
	 * @param messageId the message
	 * @return its charge
	 */
	public Charge assertChargedButNotCompleted(String messageId) {
		Charge charge = this.ledger.charges(messageId).get(0);
		assertThat(recordState(charge)).as("no completion before the kill").isEqualTo(RecordState.ONGOING);
		return charge;
	}

	/**
	 * Asserts that the redelivery of a message to the restarted consumer did not charge it again.
	 * @param messageId the message
	 * @param charge its one charge
	 */
	public void assertNotChargedAgain(String messageId, Charge charge) {
		assertThat(this.ledger.charges(messageId)).as("charges after the redelivery").containsExactly(charge);
		assertThat(recordState(charge)).isEqualTo(RecordState.FINISHED_OK);
	}

	/**
	 * Asserts that the redelivery of a message to the restarted consumer charged it again, with the first charge's
	 * downstream key, and stored the completion.
	 * @param messageId the message
	 * @param charge its first charge
	 * @param restarted the restarted consumer
	 */
	public void assertChargedAgainWithTheSameDownstreamKey(String messageId, Charge charge, ChildJvm restarted) {
		List<Charge> charges = this.ledger.charges(messageId);
		assertThat(charges).as("the charge is repeated: the first one's completion was never stored").hasSize(2);
		assertThat(charges.get(1).pid()).isEqualTo(restarted.pid());
		assertThat(charges).extracting(Charge::downstreamKey)
			.as("both charges carry the same downstream key, by which the PSP can tell them apart")
			.containsOnly(charge.downstreamKey())
			.doesNotContainNull();
		assertThat(recordState(charge)).isEqualTo(RecordState.FINISHED_OK);
	}

	private RecordState recordState(Charge charge) {
		return this.store.reader()
			.find(new StorageKey(charge.storageKey()), Instant.now())
			.map(IdempotencyRecord::state)
			.orElseThrow(() -> new AssertionError("no record for " + charge));
	}

}
