package io.github.idempotency.spring.messaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The payment service provider behind the listeners under test: counts every attempt and every charge per message
 * id; a body tells it how to behave ({@code hold}, {@code unavailable-twice}, {@code decline}, else it charges).
 */
public final class FakePsp {

	private final Function<String, ? extends RuntimeException> decline;

	private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> charges = new ConcurrentHashMap<>();

	private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

	/**
	 * @param decline makes the failure of a declined payment from its message: the broker's way of saying "never
	 * retry this one" differs
	 */
	public FakePsp(Function<String, ? extends RuntimeException> decline) {
		this.decline = decline;
	}

	/**
	 * Attempts a charge.
	 * @param messageId the message's id
	 * @param body how to behave
	 * @throws InterruptedException while held
	 */
	public void charge(String messageId, String body) throws InterruptedException {
		int attempt = count(this.attempts, messageId);
		if (body.equals("hold") && !hold(messageId).await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("the hold of " + messageId + " was never released");
		}
		if (body.equals("unavailable-twice") && attempt <= 2) {
			throw new IllegalStateException("PSP unavailable (attempt " + attempt + ")");
		}
		if (body.equals("decline")) {
			throw this.decline.apply("declined " + messageId);
		}
		count(this.charges, messageId);
	}

	/**
	 * The latch that a {@code hold} charge of a message waits for.
	 * @param messageId the message's id
	 * @return its latch: count it down to let the charge go on
	 */
	public CountDownLatch hold(String messageId) {
		return this.holds.computeIfAbsent(messageId, (id) -> new CountDownLatch(1));
	}

	/**
	 * @param messageId the message's id
	 * @return its attempts so far
	 */
	public int attempts(String messageId) {
		return this.attempts.getOrDefault(messageId, new AtomicInteger()).get();
	}

	/**
	 * @param messageId the message's id
	 * @return its charges so far
	 */
	public int charges(String messageId) {
		return this.charges.getOrDefault(messageId, new AtomicInteger()).get();
	}

	private static int count(Map<String, AtomicInteger> counters, String messageId) {
		return counters.computeIfAbsent(messageId, (id) -> new AtomicInteger()).incrementAndGet();
	}

}
