package io.github.idempotency.spring.messaging.kafka;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One embedded KRaft broker (spring-kafka-test: real Kafka code, in-process) for every Kafka test of this JVM:
 * started on first use, stopped when the JVM exits. Its start costs seconds, so test classes share it and keep
 * apart by topic names of their own.
 */
public final class KafkaTestBroker {

	private static EmbeddedKafkaKraftBroker broker;

	private KafkaTestBroker() {
	}

	/**
	 * Starts the broker unless it runs.
	 * @return its bootstrap servers, for {@code spring.kafka.bootstrap-servers}
	 */
	public static synchronized String bootstrapServers() {
		if (broker == null) {
			EmbeddedKafkaKraftBroker started = new Kafka43Broker();
			started.afterPropertiesSet();
			Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "embedded-kafka-shutdown"));
			broker = started;
		}
		return broker.getBrokersAsString();
	}

	/**
	 * The embedded broker of spring-kafka-test 4.1, which reads its address through
	 * {@code KafkaClusterTestKit.clientProperties()}; Kafka 4.3's test kit (this build's {@code kafka.version}) has
	 * {@code bootstrapServers()} instead.
	 */
	private static final class Kafka43Broker extends EmbeddedKafkaKraftBroker {

		Kafka43Broker() {
			super(1, 2);
		}

		@Override
		public String getBrokersAsString() {
			KafkaClusterTestKit cluster = getCluster();
			if (cluster == null) {
				throw new IllegalStateException("The embedded Kafka broker is not running");
			}
			return cluster.bootstrapServers();
		}

	}

	/**
	 * Creates topics of two partitions each.
	 * @param topics their names
	 */
	public static synchronized void createTopics(String... topics) {
		bootstrapServers();
		for (String topic : topics) {
			broker.addTopics(new NewTopic(topic, 2, (short) 1));
		}
	}

}
