package io.github.idempotency.spring.messaging.amqp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.jpa.PostgresTestServer;
import io.github.idempotency.spring.messaging.ChargeLedger;
import io.github.idempotency.spring.messaging.ChargeLedger.Charge;
import io.github.idempotency.spring.messaging.ChildJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@code @Idempotent} {@code @RabbitListener} in a child JVM ({@link CrashingRabbitConsumerApplication}) that is
 * killed with {@code SIGKILL} in the middle of a delivery, then started again on the same store, with the charges
 * booked in a PostgreSQL ledger that survives it. Killed after the listener's completion was stored but before the
 * broker got the acknowledgement, the redelivery is acknowledged without a second charge; killed between the charge
 * and its completion, the redelivery runs the listener again once the dead execution's lease ran out, with the same
 * downstream key (the window each store documents). The store must outlive the process: Redis or PostgreSQL, not
 * memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractRabbitConsumerCrashIT {

	// a child JVM starts a Spring Boot application: generous on a busy machine, and only ever waited for
	private static final Duration PATIENCE = Duration.ofSeconds(90);

	// shorter than the default, so that the takeover after a crash between charge and completion comes soon; long
	// enough that the first consumer's renewals (every third of it) keep its claim alive on a busy machine until the
	// test looked at it: an ONGOING Redis record expires with its lease
	private static final String SHORT_LEASE = "10s";

	private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

	private final List<String> queues = new ArrayList<>();

	private final List<ChildJvm> children = new ArrayList<>();

	private CachingConnectionFactory connectionFactory;

	private RabbitAdmin admin;

	private HikariDataSource ledgerPool;

	private ChargeLedger ledger;

	/** {@return the consumer's store properties, the same for every child} */
	protected abstract List<String> storeProperties();

	/** {@return the store the consumers write, as this JVM reads it} */
	protected abstract IdempotencyStore store();

	/** Removes what the store kept of this class's run. */
	protected void cleanUpStore() {
	}

	// before each test, not once for the class: a test skipped there is reported as skipped, with the reason
	@BeforeEach
	void connect() {
		RabbitTestBroker.assumeAvailable();
		if (this.admin != null) {
			return;
		}
		this.connectionFactory = new CachingConnectionFactory(RabbitTestBroker.host());
		this.admin = new RabbitAdmin(this.connectionFactory);
		this.ledgerPool = PostgresTestServer.get().newDataSource(2);
		this.ledger = new ChargeLedger(this.ledgerPool, "rabbit_crash_ledger_" + this.run);
		this.ledger.create();
	}

	@AfterEach
	void killChildren() {
		this.children.forEach(ChildJvm::close);
		this.children.clear();
	}

	@AfterAll
	void cleanUp() {
		killChildren();
		if (this.admin != null) {
			this.queues.forEach(this.admin::deleteQueue);
			this.connectionFactory.destroy();
		}
		if (this.ledger != null) {
			this.ledger.drop();
			this.ledgerPool.close();
			cleanUpStore();
		}
	}

	@Test
	void killedAfterTheCompletionButBeforeTheAckTheRedeliveryDoesNotChargeAgain() {
		String queue = newQueue();
		String id = "msg-" + UUID.randomUUID();
		publish(queue, id);

		ChildJvm first = startConsumer("first", queue, CrashingRabbitConsumerApplication.AFTER_COMPLETION);
		first.awaitEvent("kill-point", CrashingRabbitConsumerApplication.AFTER_COMPLETION + " " + id, PATIENCE);
		List<Charge> charged = this.ledger.charges(id);
		assertThat(charged).as("charges before the kill").hasSize(1);
		Charge charge = charged.get(0);
		assertThat(charge.storageKey()).as("the charge ran under an idempotency record").isNotNull();
		assertThat(recordState(charge)).as("the completion is stored before the kill")
			.isEqualTo(RecordState.FINISHED_OK);
		first.kill();
		// the broker never got the acknowledgement: the message is back in the queue, for no consumer yet
		awaitQueue(queue, 1);

		ChildJvm second = startConsumer("second", queue, CrashingRabbitConsumerApplication.NEVER);
		assertThat(second.awaitEvent("delivered", id, PATIENCE)).isEqualTo(id + " redelivered=true");
		second.awaitEvent("listener-returned", id, PATIENCE);
		second.stop(PATIENCE);

		assertThat(queueAfterItsConsumerLeft(queue).getMessageCount()).as("the redelivery was acknowledged").isZero();
		assertThat(second.events("listener-failed")).isEmpty();
		assertThat(this.ledger.charges(id)).as("charges after the redelivery").containsExactly(charge);
		assertThat(recordState(charge)).isEqualTo(RecordState.FINISHED_OK);
	}

	@Test
	void killedBetweenTheChargeAndItsCompletionTheRedeliveryChargesAgainAfterTheLeaseWithTheSameDownstreamKey() {
		String queue = newQueue();
		String id = "msg-" + UUID.randomUUID();
		publish(queue, id);

		ChildJvm first = startConsumer("first", queue, CrashingRabbitConsumerApplication.AFTER_CHARGE,
				"--idempotency.lease=" + SHORT_LEASE);
		first.awaitEvent("kill-point", CrashingRabbitConsumerApplication.AFTER_CHARGE + " " + id, PATIENCE);
		Charge charge = this.ledger.charges(id).get(0);
		assertThat(recordState(charge)).as("no completion before the kill").isEqualTo(RecordState.ONGOING);
		first.kill();
		awaitQueue(queue, 1);

		// the redelivery waits (or is requeued) until the dead execution's lease ran out, then takes the key over
		ChildJvm second = startConsumer("second", queue, CrashingRabbitConsumerApplication.NEVER,
				"--idempotency.lease=" + SHORT_LEASE);
		second.awaitEvent("listener-returned", id, PATIENCE);
		second.stop(PATIENCE);

		assertThat(second.events("delivered")).first().isEqualTo(id + " redelivered=true");
		assertThat(queueAfterItsConsumerLeft(queue).getMessageCount()).as("the redelivery was acknowledged").isZero();
		List<Charge> charges = this.ledger.charges(id);
		assertThat(charges).as("the charge is repeated: the first one's completion was never stored").hasSize(2);
		assertThat(charges.get(1).pid()).isEqualTo(second.pid());
		assertThat(charges).extracting(Charge::downstreamKey)
			.as("both charges carry the same downstream key, by which the PSP can tell them apart")
			.containsOnly(charge.downstreamKey())
			.doesNotContainNull();
		assertThat(recordState(charge)).isEqualTo(RecordState.FINISHED_OK);
	}

	private ChildJvm startConsumer(String name, String queue, String killAt, String... more) {
		PostgresTestServer postgres = PostgresTestServer.get();
		List<String> arguments = new ArrayList<>(List.of("--spring.main.banner-mode=off",
				"--logging.level.root=WARN", "--logging.level.io.github.idempotency=INFO",
				"--spring.application.name=rabbit-crash-it", "--spring.rabbitmq.host=" + RabbitTestBroker.host(),
				"--test.queue=" + queue, "--test.kill-at=" + killAt, "--test.ledger.url=" + postgres.jdbcUrl(),
				"--test.ledger.table=" + "rabbit_crash_ledger_" + this.run));
		if (postgres.username() != null) {
			arguments.add("--test.ledger.username=" + postgres.username());
			arguments.add("--test.ledger.password=" + postgres.password());
		}
		storeProperties().forEach((property) -> arguments.add("--" + property));
		arguments.addAll(List.of(more));
		ChildJvm child = ChildJvm.start(getClass().getSimpleName() + "-" + name,
				CrashingRabbitConsumerApplication.class, arguments);
		this.children.add(child);
		return child;
	}

	private RecordState recordState(Charge charge) {
		return store().find(new StorageKey(charge.storageKey()), Instant.now())
			.map(IdempotencyRecord::state)
			.orElseThrow(() -> new AssertionError("no record for " + charge));
	}

	private String newQueue() {
		String queue = "idempotency-it.crash." + getClass().getSimpleName() + "." + UUID.randomUUID();
		this.admin.declareQueue(new Queue(queue, false, false, false));
		this.queues.add(queue);
		return queue;
	}

	private void publish(String queue, String messageId) {
		RabbitTemplate rabbit = new RabbitTemplate(this.connectionFactory);
		rabbit.convertAndSend("", queue, "charge", (message) -> {
			MessageProperties properties = message.getMessageProperties();
			properties.setMessageId(messageId);
			properties.setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
			return message;
		});
	}

	private void awaitQueue(String queue, int messages) {
		await().atMost(PATIENCE).until(() -> {
			QueueInformation information = queueInformation(queue);
			return information.getConsumerCount() == 0 && information.getMessageCount() == messages;
		});
	}

	// the broker requeues what a consumer left unacknowledged as it drops the consumer
	private QueueInformation queueAfterItsConsumerLeft(String queue) {
		await().atMost(PATIENCE).until(() -> queueInformation(queue).getConsumerCount() == 0);
		return queueInformation(queue);
	}

	private QueueInformation queueInformation(String queue) {
		QueueInformation information = this.admin.getQueueInfo(queue);
		assertThat(information).as("queue " + queue).isNotNull();
		return information;
	}

}
