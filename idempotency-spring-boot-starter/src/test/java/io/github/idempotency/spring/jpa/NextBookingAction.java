package io.github.idempotency.spring.jpa;

/**
 * An action a test has the next booking of an {@code @Idempotent} ledger bean run once, inside that booking's
 * transaction (after the entry is written, before the method returns): to act while the key is held, or to see the
 * transaction the booking joined.
 */
final class NextBookingAction {

	private static final Runnable NOTHING = () -> {
	};

	private volatile Runnable action = NOTHING;

	/**
	 * Sets the action of the next booking.
	 * @param action the action
	 */
	void set(Runnable action) {
		this.action = action;
	}

	/** Runs the action set for this booking, if any; the bookings after it run none until the next is set. */
	void runOnce() {
		Runnable action = this.action;
		this.action = NOTHING;
		action.run();
	}

}
