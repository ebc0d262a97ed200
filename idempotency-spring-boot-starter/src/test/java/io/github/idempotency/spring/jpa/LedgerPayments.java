package io.github.idempotency.spring.jpa;

import io.github.idempotency.spring.Idempotent;

import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code @Idempotent} bean of the join-transaction tests: its methods book through {@link LedgerService}, and
 * each declares different rollback rules, which the joined transaction must follow.
 */
public class LedgerPayments {

	private final LedgerService ledger;

	private final NextBookingAction afterBooking = new NextBookingAction();

	LedgerPayments(LedgerService ledger) {
		this.ledger = ledger;
	}

	/**
	 * Runs an action after the next booking, inside the joined transaction.
	 * @param action the action
	 */
	void afterNextBooking(Runnable action) {
		this.afterBooking.set(action);
	}

	/**
	 * Books, with no {@code @Transactional} of its own: the joined transaction rolls back on every exception.
	 * @param paymentId the payment, also the key
	 * @param amount the amount
	 * @param failAfterInsert whether the ledger fails once the entry is written
	 * @return the entry's id
	 */
	@Idempotent(key = "#paymentId", scope = Idempotent.Scope.GLOBAL)
	public String book(String paymentId, long amount, boolean failAfterInsert) {
		String entryId = this.ledger.book(paymentId, amount, failAfterInsert);
		this.afterBooking.runOnce();
		return entryId;
	}

	/**
	 * Books, then fails with an exception its rules do not roll back: the entry stays.
	 * @param paymentId the payment, also the key
	 * @param amount the amount
	 * @return never
	 */
	@Idempotent(key = "#paymentId", scope = Idempotent.Scope.GLOBAL)
	@Transactional(noRollbackFor = FeeNotChargedException.class)
	public String bookWithoutFee(String paymentId, long amount) {
		this.ledger.book(paymentId, amount, false);
		throw new FeeNotChargedException();
	}

	/**
	 * Books, then fails with a checked exception its rules roll back (Spring would commit it by default).
	 * @param paymentId the payment, also the key
	 * @param amount the amount
	 * @return never
	 * @throws LedgerClosedException always
	 */
	@Idempotent(key = "#paymentId", scope = Idempotent.Scope.GLOBAL)
	@Transactional(rollbackFor = LedgerClosedException.class)
	public String bookUnlessClosed(String paymentId, long amount) throws LedgerClosedException {
		this.ledger.book(paymentId, amount, false);
		throw new LedgerClosedException();
	}

	/** The entry is booked, the fee was not: the booking stands. */
	static class FeeNotChargedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		FeeNotChargedException() {
			super("The entry was booked, the fee was not charged");
		}

	}

	/** The ledger closed while booking: the booking is undone. */
	static class LedgerClosedException extends Exception {

		private static final long serialVersionUID = 1L;

		LedgerClosedException() {
			super("The ledger closed");
		}

	}

}
