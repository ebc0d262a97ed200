package io.github.idempotency.spring.messaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deliveries to the listeners under test per message id, as a container advice sees them arrive and end, with
 * an action a test can run as a delivery of a message arrives (to make two deliveries meet).
 */
public final class DeliveryCounts {

	private final Map<String, AtomicInteger> arrived = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> ended = new ConcurrentHashMap<>();

	private final Map<String, Runnable> onArrival = new ConcurrentHashMap<>();

	/**
	 * Counts a delivery that arrived, then runs the message's arrival action, if any.
	 * @param messageId the message's id
	 */
	public void arrive(String messageId) {
		this.arrived.computeIfAbsent(messageId, (key) -> new AtomicInteger()).incrementAndGet();
		this.onArrival.getOrDefault(messageId, () -> {
		}).run();
	}

	/**
	 * Counts a delivery that ended, however it ended.
	 * @param messageId the message's id
	 */
	public void end(String messageId) {
		this.ended.computeIfAbsent(messageId, (key) -> new AtomicInteger()).incrementAndGet();
	}

	/**
	 * Runs an action on the advice's thread each time a delivery of a message arrives, before the listener runs.
	 * @param messageId the message's id
	 * @param action what to run
	 */
	public void onArrival(String messageId, Runnable action) {
		this.onArrival.put(messageId, action);
	}

	/**
	 * @param messageId the message's id
	 * @return its deliveries that arrived so far
	 */
	public int arrived(String messageId) {
		return this.arrived.getOrDefault(messageId, new AtomicInteger()).get();
	}

	/**
	 * @param messageId the message's id
	 * @return its deliveries that ended so far
	 */
	public int ended(String messageId) {
		return this.ended.getOrDefault(messageId, new AtomicInteger()).get();
	}

}
