package io.github.idempotency.spring.messaging;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@code @Idempotent} payments listener on a real broker, with one {@link ConsumerStore} per concrete class: the
 * scenarios every broker shares (duplicates and redeliveries, two consumers at once) and the consumer's life cycle.
 * The broker's subclass starts its application (with a {@link FakePsp} and the {@link DeliveryCounts} of an
 * innermost container advice as beans), publishes, and adds the scenarios of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractIdempotentListenerIT {

	/** The most a test waits for the broker and the consumer. */
	protected static final Duration PATIENCE = Duration.ofSeconds(30);

	private final ConsumerStore store;

	private ConfigurableApplicationContext context;

	private FakePsp psp;

	private DeliveryCounts deliveries;

	/**
	 * @param store the consumer's store
	 */
	protected AbstractIdempotentListenerIT(ConsumerStore store) {
		this.store = store;
	}

	/**
	 * Starts the consumer's application on the broker, ready to receive.
	 * @param storeProperties the store's properties, for the application
	 * @return its context
	 */
	protected abstract ConfigurableApplicationContext startApplication(List<String> storeProperties);

	/**
	 * Publishes a payment to the payments listener.
	 * @param messageId its message id
	 * @param body what the {@link FakePsp} is to do
	 * @param loseFirstAck whether the first delivery is to fail after the listener returned, so that the broker
	 * delivers it again
	 */
	protected abstract void publish(String messageId, String body, boolean loseFirstAck);

	/**
	 * Publishes two copies of a payment so that each of the listener's two consumers receives one.
	 * @param messageId their message id
	 * @param body what the {@link FakePsp} is to do
	 */
	protected abstract void publishToBothConsumers(String messageId, String body);

	/** Skips the test, with the reason, when the broker cannot be reached; by default it always can. */
	protected void assumeBrokerAvailable() {
	}

	/**
	 * Removes what the broker kept of this class's run, before the context closes; by default nothing outlives the
	 * test JVM.
	 * @param context the consumer's context
	 */
	protected void cleanUpBroker(ConfigurableApplicationContext context) {
	}

	// before each test, not once for the class: a test skipped there is reported as skipped, with the reason
	@BeforeEach
	void startConsumer() {
		assumeBrokerAvailable();
		if (this.context != null) {
			return;
		}
		this.context = startApplication(this.store.properties());
		this.psp = this.context.getBean(FakePsp.class);
		this.deliveries = this.context.getBean(DeliveryCounts.class);
	}

	@AfterAll
	void stopConsumer() {
		if (this.context == null) {
			return;
		}
		cleanUpBroker(this.context);
		this.context.close();
		this.store.cleanUp();
	}

	@Test
	void sameMessagePublishedThreeTimesAndRedeliveredChargesOnce() {
		String id = newMessageId();
		publish(id, "charge", true);
		publish(id, "charge", false);
		publish(id, "charge", false);

		// three publications, and the first delivered twice because the broker never learned that it was handled
		awaitEnded(id, 4);
		assertThat(this.psp.attempts(id)).isEqualTo(1);
		assertThat(this.psp.charges(id)).isEqualTo(1);
	}

	@Test
	void twoConsumersReceivingTheSameMessageAtOnceExecuteOnce() {
		String id = newMessageId();
		// the first delivery holds its charge open until the second one has arrived at the other consumer
		this.deliveries.onArrival(id, () -> {
			if (this.deliveries.arrived(id) >= 2) {
				this.psp.hold(id).countDown();
			}
		});
		publishToBothConsumers(id, "hold");

		awaitEnded(id, 2);
		assertThat(this.psp.attempts(id)).isEqualTo(1);
		assertThat(this.psp.charges(id)).isEqualTo(1);
	}

	/** {@return the consumer's context} */
	protected ConfigurableApplicationContext context() {
		return this.context;
	}

	/** {@return the consumer's payment service provider} */
	protected FakePsp psp() {
		return this.psp;
	}

	/** {@return the deliveries to the consumer's listeners} */
	protected DeliveryCounts deliveries() {
		return this.deliveries;
	}

	/**
	 * Waits until a number of deliveries of a message ended, and asserts that no more did.
	 * @param id the message's id
	 * @param deliveries how many
	 */
	protected void awaitEnded(String id, int deliveries) {
		await().atMost(PATIENCE).until(() -> this.deliveries.ended(id) >= deliveries);
		assertThat(this.deliveries.ended(id)).isEqualTo(deliveries);
	}

	/** {@return a new message id} */
	protected static String newMessageId() {
		return "msg-" + UUID.randomUUID();
	}

}
