package io.github.idempotency.spring.messaging.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.idempotency.spring.messaging.ChargeLedger.Charge;
import io.github.idempotency.spring.messaging.ChildJvm;
import io.github.idempotency.spring.messaging.ConsumerCrashHarness;
import io.github.idempotency.spring.messaging.DurableConsumerStore;
import io.github.idempotency.spring.messaging.KillPoint;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static io.github.idempotency.spring.messaging.ConsumerCrashHarness.PATIENCE;
import static io.github.idempotency.spring.messaging.ConsumerCrashHarness.SHORT_LEASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@code @Idempotent} {@code @KafkaListener} in a child JVM ({@link CrashingKafkaConsumerApplication}) on this
 * JVM's embedded broker, killed with {@code SIGKILL} in the middle of a record, then started again in the same group
 * on the same store, with the charges booked in a PostgreSQL ledger that survives it. Killed after the listener's
 * completion was stored but before the record's offset was committed, the restarted consumer receives the record
 * again and commits it without a second charge; killed between the charge and its completion, the redelivery runs
 * the listener again once the dead execution's lease ran out, with the same downstream key (the window each store
 * documents). The store must outlive the process: Redis or PostgreSQL, not memory.
 * <p>
 * Each test publishes a warm-up message ahead of the one the consumer dies on, so that the group has a committed
 * offset to look at: at the kill it must point at the record (the warm-up's commit went through, the record's did
 * not), and after the redelivery one past it.
 * <p>
 * A killed consumer never leaves its group: the coordinator counts it a member, and gives its partition to nobody
 * else, until its session times out. The consumers here set {@code session.timeout.ms} to 10 s (the client's default
 * is 45 s, the broker's minimum 6 s), so the dead member is gone 10 s after the kill at the latest, and both children
 * of a test join with the same {@code group.instance.id} (static membership), as a restarted instance of a deployment
 * would: a restarted member that comes back sooner takes the dead one's place without waiting for its session to
 * expire. Either way the restarted consumer gets the partition within the session timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractKafkaConsumerCrashIT {

	// the broker's default group.min.session.timeout.ms is 6 s; the client's default 45 s
	private static final String SESSION_TIMEOUT_MS = "10000";

	private final List<String> topics = new ArrayList<>();

	private final List<String> groups = new ArrayList<>();

	private final ConsumerCrashHarness harness;

	private String bootstrapServers;

	private Admin admin;

	private KafkaProducer<String, String> producer;

	/**
	 * @param store the consumers' store
	 */
	protected AbstractKafkaConsumerCrashIT(DurableConsumerStore store) {
		this.harness = new ConsumerCrashHarness("kafka_crash_ledger_", store);
	}

	@BeforeAll
	void connect() {
		this.bootstrapServers = KafkaTestBroker.bootstrapServers();
		this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers));
		this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers),
				new StringSerializer(), new StringSerializer());
		this.harness.createLedger();
	}

	@AfterEach
	void killChildren() {
		this.harness.killChildren();
	}

	@AfterAll
	void cleanUp() {
		this.harness.killChildren();
		try {
			if (this.admin != null) {
				this.groups.forEach(this::deleteGroup);
				get(this.admin.deleteTopics(this.topics).all());
			}
		}
		finally {
			// the broker dies with this JVM; the tables and keys outlive it
			if (this.admin != null) {
				this.admin.close();
				this.producer.close();
			}
			this.harness.cleanUp();
		}
	}

	@Test
	void killedAfterTheCompletionButBeforeTheCommitTheRedeliveryDoesNotChargeAgain() {
		RecordUnderTest record = publishBehindAWarmUp();
		String id = record.id();

		KillPoint killPoint = KillPoint.afterCompletion(id);
		ChildJvm first = startConsumer("first", record, killPoint);
		this.harness.awaitKillPoint(first, killPoint);
		Charge charge = this.harness.assertChargedOnceAndCompleted(id);
		assertThat(committedOffset(record)).as("the warm-up's offset is committed, the record's is not")
			.isEqualTo(record.offset());
		first.kill();

		ChildJvm second = startConsumer("second", record, KillPoint.never());
		second.awaitEvent("listener-returned", id, PATIENCE);
		awaitCommittedOffset(record, record.offset() + 1);
		second.stop(PATIENCE);

		assertThat(second.events("delivered")).as("the restarted consumer starts at the uncommitted record")
			.containsExactly(record.delivered());
		assertThat(second.events("listener-failed")).isEmpty();
		this.harness.assertNotChargedAgain(id, charge);
	}

	@Test
	void killedBetweenTheChargeAndItsCompletionTheRedeliveryChargesAgainAfterTheLeaseWithTheSameDownstreamKey() {
		RecordUnderTest record = publishBehindAWarmUp();
		String id = record.id();

		KillPoint killPoint = KillPoint.afterCharge(id);
		ChildJvm first = startConsumer("first", record, killPoint, SHORT_LEASE);
		this.harness.awaitKillPoint(first, killPoint);
		Charge charge = this.harness.assertChargedButNotCompleted(id);
		assertThat(committedOffset(record)).isEqualTo(record.offset());
		first.kill();

		// the redelivery waits (or fails as IN_PROGRESS and the error handler delivers it again) until the dead
		// execution's lease ran out, then takes the key over
		ChildJvm second = startConsumer("second", record, KillPoint.never(), SHORT_LEASE);
		second.awaitEvent("listener-returned", id, PATIENCE);
		awaitCommittedOffset(record, record.offset() + 1);
		second.stop(PATIENCE);

		assertThat(second.events("delivered")).as("the restarted consumer starts at the uncommitted record")
			.first()
			.isEqualTo(record.delivered());
		this.harness.assertChargedAgainWithTheSameDownstreamKey(id, charge, second);
	}

	private ChildJvm startConsumer(String name, RecordUnderTest record, KillPoint killPoint, String... more) {
		List<String> arguments = new ArrayList<>(List.of("--spring.application.name=kafka-crash-it",
				"--spring.kafka.bootstrap-servers=" + this.bootstrapServers,
				"--spring.kafka.consumer.auto-offset-reset=earliest", "--spring.kafka.listener.ack-mode=record",
				"--spring.kafka.consumer.properties[group.instance.id]=crash-consumer",
				"--spring.kafka.consumer.properties[session.timeout.ms]=" + SESSION_TIMEOUT_MS, "--test.topic=" + record.topic(),
				"--test.group=" + record.group()));
		arguments.addAll(List.of(more));
		return this.harness.start(getClass().getSimpleName() + "-" + name, CrashingKafkaConsumerApplication.class,
				killPoint, arguments);
	}

	// every test needs a committed offset ahead of its record to look at (see the class's description)
	private RecordUnderTest publishBehindAWarmUp() {
		String topic = newTopic();
		String id = "msg-" + UUID.randomUUID();
		publish(topic, "warm-up-" + UUID.randomUUID());
		return new RecordUnderTest(topic, newGroup(), id, publish(topic, id));
	}

	private String newTopic() {
		String topic = "idempotency-it.crash." + getClass().getSimpleName() + "." + UUID.randomUUID();
		get(this.admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all());
		this.topics.add(topic);
		return topic;
	}

	private String newGroup() {
		String group = "idempotency-it.crash." + getClass().getSimpleName() + "." + UUID.randomUUID();
		this.groups.add(group);
		return group;
	}

	private RecordMetadata publish(String topic, String messageId) {
		ProducerRecord<String, String> record = new ProducerRecord<>(topic, null, "charge");
		record.headers()
			.add(CrashingKafkaConsumerApplication.MESSAGE_ID, messageId.getBytes(StandardCharsets.UTF_8));
		try {
			return this.producer.send(record).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("could not publish " + messageId, ex);
		}
	}

	/**
	 * {@return the committed offset of the record's group on its partition (the next record it will read), or -1
	 * without one}
	 */
	private long committedOffset(RecordUnderTest record) {
		Map<TopicPartition, OffsetAndMetadata> offsets = get(
				this.admin.listConsumerGroupOffsets(record.group()).partitionsToOffsetAndMetadata());
		OffsetAndMetadata committed = offsets.get(record.partition());
		return (committed != null) ? committed.offset() : -1;
	}

	private void awaitCommittedOffset(RecordUnderTest record, long offset) {
		await().atMost(PATIENCE).until(() -> committedOffset(record) == offset);
	}

	// a static member stays in its group until its session times out or it is removed; an empty group can go
	private void deleteGroup(String group) {
		try {
			List<MemberToRemove> members = get(
					this.admin.describeConsumerGroups(List.of(group)).describedGroups().get(group))
				.members()
				.stream()
				.map(MemberDescription::groupInstanceId)
				.flatMap(Optional::stream)
				.map(MemberToRemove::new)
				.toList();
			if (!members.isEmpty()) {
				get(this.admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(members))
					.all());
			}
			get(this.admin.deleteConsumerGroups(List.of(group)).all());
		}
		catch (IllegalStateException ex) {
			// a test that failed before a consumer joined leaves no group
			if (!(ex.getCause() instanceof ExecutionException failure
					&& failure.getCause() instanceof GroupIdNotFoundException)) {
				throw ex;
			}
		}
	}

	/**
	 * The record a test's consumer dies on: published on a fresh topic behind a warm-up record, read by a fresh
	 * group.
	 * @param topic its topic
	 * @param group the consumers' group
	 * @param id its message id
	 * @param metadata where it was published
	 */
	private record RecordUnderTest(String topic, String group, String id, RecordMetadata metadata) {

		TopicPartition partition() {
			return new TopicPartition(this.topic, this.metadata.partition());
		}

		long offset() {
			return this.metadata.offset();
		}

		/** {@return the delivery as the consumer reports it} */
		String delivered() {
			return this.id + " partition=" + this.metadata.partition() + " offset=" + this.metadata.offset();
		}

	}

	private static <T> T get(KafkaFuture<T> future) {
		try {
			return future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
