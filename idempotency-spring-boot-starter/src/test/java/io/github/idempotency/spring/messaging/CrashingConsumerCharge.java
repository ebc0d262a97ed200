package io.github.idempotency.spring.messaging;

/**
 * What the listener of a crashing consumer does with a message, whatever its broker: books the message's charge in
 * the {@link ChargeLedger}, then waits to be killed when its {@link KillPoint} is {@link KillPoint#AFTER_CHARGE} at
 * that message. A bean of {@link CrashingConsumerConfiguration}.
 */
public final class CrashingConsumerCharge {

	private final ChargeLedger ledger;

	private final KillPoint killPoint;

	CrashingConsumerCharge(ChargeLedger ledger, KillPoint killPoint) {
		this.ledger = ledger;
		this.killPoint = killPoint;
	}

	/**
	 * Charges for a message, then reaches the {@link KillPoint#AFTER_CHARGE} kill point.
	 * @param messageId the message's id
	 */
	public void charge(String messageId) {
		this.ledger.charge(messageId);
		this.killPoint.reach(KillPoint.AFTER_CHARGE, messageId);
	}

}
