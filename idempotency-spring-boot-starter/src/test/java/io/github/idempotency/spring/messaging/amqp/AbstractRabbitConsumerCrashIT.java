package io.github.idempotency.spring.messaging.amqp;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.idempotency.spring.messaging.ChargeLedger.Charge;
import io.github.idempotency.spring.messaging.ChildJvm;
import io.github.idempotency.spring.messaging.ConsumerCrashHarness;
import io.github.idempotency.spring.messaging.DurableConsumerStore;
import io.github.idempotency.spring.messaging.KillPoint;
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

import static io.github.idempotency.spring.messaging.ConsumerCrashHarness.PATIENCE;
import static io.github.idempotency.spring.messaging.ConsumerCrashHarness.SHORT_LEASE;
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

	private final List<String> queues = new ArrayList<>();

	private final ConsumerCrashHarness harness;

	private CachingConnectionFactory connectionFactory;

	private RabbitAdmin admin;

	/**
	 * @param store the consumers' store
	 */
	protected AbstractRabbitConsumerCrashIT(DurableConsumerStore store) {
		this.harness = new ConsumerCrashHarness("rabbit_crash_ledger_", store);
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
		this.harness.createLedger();
	}

	@AfterEach
	void killChildren() {
		this.harness.killChildren();
	}

	@AfterAll
	void cleanUp() {
		this.harness.killChildren();
		if (this.admin != null) {
			this.queues.forEach(this.admin::deleteQueue);
			this.connectionFactory.destroy();
		}
		this.harness.cleanUp();
	}

	@Test
	void killedAfterTheCompletionButBeforeTheAckTheRedeliveryDoesNotChargeAgain() {
		String queue = newQueue();
		String id = "msg-" + UUID.randomUUID();
		publish(queue, id);

		KillPoint killPoint = KillPoint.afterCompletion(id);
		ChildJvm first = startConsumer("first", queue, killPoint);
		this.harness.awaitKillPoint(first, killPoint);
		Charge charge = this.harness.assertChargedOnceAndCompleted(id);
		first.kill();
		// the broker never got the acknowledgement: the message is back in the queue, for no consumer yet
		awaitQueue(queue, 1);

		ChildJvm second = startConsumer("second", queue, KillPoint.never());
		assertThat(second.awaitEvent("delivered", id, PATIENCE)).isEqualTo(id + " redelivered=true");
		second.awaitEvent("listener-returned", id, PATIENCE);
		second.stop(PATIENCE);

		assertThat(queueAfterItsConsumerLeft(queue).getMessageCount()).as("the redelivery was acknowledged").isZero();
		assertThat(second.events("listener-failed")).isEmpty();
		this.harness.assertNotChargedAgain(id, charge);
	}

	@Test
	void killedBetweenTheChargeAndItsCompletionTheRedeliveryChargesAgainAfterTheLeaseWithTheSameDownstreamKey() {
		String queue = newQueue();
		String id = "msg-" + UUID.randomUUID();
		publish(queue, id);

		KillPoint killPoint = KillPoint.afterCharge(id);
		ChildJvm first = startConsumer("first", queue, killPoint, SHORT_LEASE);
		this.harness.awaitKillPoint(first, killPoint);
		Charge charge = this.harness.assertChargedButNotCompleted(id);
		first.kill();
		awaitQueue(queue, 1);

		// the redelivery waits (or is requeued) until the dead execution's lease ran out, then takes the key over
		ChildJvm second = startConsumer("second", queue, KillPoint.never(), SHORT_LEASE);
		second.awaitEvent("listener-returned", id, PATIENCE);
		second.stop(PATIENCE);

		assertThat(second.events("delivered")).first().isEqualTo(id + " redelivered=true");
		assertThat(queueAfterItsConsumerLeft(queue).getMessageCount()).as("the redelivery was acknowledged").isZero();
		this.harness.assertChargedAgainWithTheSameDownstreamKey(id, charge, second);
	}

	private ChildJvm startConsumer(String name, String queue, KillPoint killPoint, String... more) {
		List<String> arguments = new ArrayList<>(List.of("--spring.application.name=rabbit-crash-it",
				"--spring.rabbitmq.host=" + RabbitTestBroker.host(), "--test.queue=" + queue));
		arguments.addAll(List.of(more));
		return this.harness.start(getClass().getSimpleName() + "-" + name, CrashingRabbitConsumerApplication.class,
				killPoint, arguments);
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
