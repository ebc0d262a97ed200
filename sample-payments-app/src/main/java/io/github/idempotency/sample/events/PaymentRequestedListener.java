package io.github.idempotency.sample.events;

import io.github.idempotency.sample.psp.Charge;
import io.github.idempotency.sample.psp.FakePaymentProcessor;
import io.github.idempotency.sample.psp.PaymentDeclinedException;
import io.github.idempotency.spring.Idempotent;

import org.springframework.amqp.rabbit.annotation.RabbitListener;

/**
 * Charges each {@code payments.requested} event from RabbitMQ once, however often the broker delivers it: the key is
 * the AMQP {@code message_id}, so a duplicate publication or a redelivery after a lost acknowledgement is skipped and
 * acknowledged. A declined charge is recorded and not retried; a PSP failure releases the key and the message is
 * redelivered.
 */
public class PaymentRequestedListener {

	private final PaymentRequestedCharges charges;

	PaymentRequestedListener(FakePaymentProcessor processor) {
		this.charges = new PaymentRequestedCharges(processor);
	}

	/**
	 * Charges one requested payment.
	 * @param event the event's JSON body
	 * @return the PSP's charge
	 */
	@RabbitListener(id = "payments-requested", queues = "${sample.events.queue:payments.requested}")
	@Idempotent(keySource = Idempotent.KeySource.MESSAGE_ID, scope = Idempotent.Scope.GLOBAL,
			noRetryFor = PaymentDeclinedException.class)
	public Charge onPaymentRequested(PaymentRequested event) {
		return this.charges.charge(event);
	}

}
