package io.github.idempotency.sample.events;

import io.github.idempotency.sample.psp.Charge;
import io.github.idempotency.sample.psp.FakePaymentProcessor;
import io.github.idempotency.sample.psp.PaymentDeclinedException;
import io.github.idempotency.spring.Idempotent;

import org.springframework.kafka.annotation.KafkaListener;

/**
 * Charges each {@code payments.requested} record from Kafka once, however often it is published or delivered: the
 * key is the {@code message-id} header, so a duplicate publication, a redelivery after a rebalance or a replay from an
 * earlier offset is skipped and its offset committed. A declined charge is recorded and sent to
 * {@code payments.requested-dlt} once; a PSP failure releases the key and the error handler delivers the record again.
 */
public class KafkaPaymentRequestedListener {

	private final PaymentRequestedCharges charges;

	KafkaPaymentRequestedListener(FakePaymentProcessor processor) {
		this.charges = new PaymentRequestedCharges(processor);
	}

	/**
	 * Charges one requested payment.
	 * @param event the record's JSON value
	 * @return the PSP's charge
	 */
	@KafkaListener(id = "payments-requested", topics = "${sample.events.topic:payments.requested}")
	@Idempotent(keySource = Idempotent.KeySource.HEADER, header = "message-id", scope = Idempotent.Scope.GLOBAL,
			onConflict = Idempotent.OnConflict.WAIT, noRetryFor = PaymentDeclinedException.class)
	public Charge onPaymentRequested(PaymentRequested event) {
		return this.charges.charge(event);
	}

}
