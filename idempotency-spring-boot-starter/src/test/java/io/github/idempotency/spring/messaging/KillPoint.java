package io.github.idempotency.spring.messaging;

/**
 * Where a crashing consumer waits to be killed, and at which message; the other messages pass. The test hands it to
 * the child as {@code test.kill-at} and {@code test.kill-message}.
 * @param where {@value #AFTER_CHARGE}, {@value #AFTER_COMPLETION} or {@value #NEVER}
 * @param messageId the message at which to stop
 */
public record KillPoint(String where, String messageId) {

	/** The listener booked the charge but has not returned, so its completion is not stored. */
	public static final String AFTER_CHARGE = "after-charge";

	/**
	 * The listener returned, so its completion is stored, but the container has not acknowledged the message (or
	 * committed its offset) yet.
	 */
	public static final String AFTER_COMPLETION = "after-completion";

	/** Never. */
	public static final String NEVER = "none";

	/**
	 * @param messageId the message
	 * @return the point after the charge of that message
	 */
	public static KillPoint afterCharge(String messageId) {
		return new KillPoint(AFTER_CHARGE, messageId);
	}

	/**
	 * @param messageId the message
	 * @return the point after the completion of that message
	 */
	public static KillPoint afterCompletion(String messageId) {
		return new KillPoint(AFTER_COMPLETION, messageId);
	}

	/** {@return no point: the consumer runs until it is stopped} */
	public static KillPoint never() {
		return new KillPoint(NEVER, "");
	}

	/** {@return the detail of the {@code kill-point} event the child reports as it reaches this point} */
	public String reached() {
		return this.where + " " + this.messageId;
	}

	/**
	 * Called in the child where it passes a point: reports the kill point and blocks until the test kills the JVM
	 * when it is this one, else returns at once.
	 * @param point the point passed
	 * @param id the message being handled
	 */
	public void reach(String point, String id) {
		if (this.where.equals(point) && this.messageId.equals(id)) {
			ChildJvm.reportAndAwaitKill("kill-point", reached());
		}
	}

}
