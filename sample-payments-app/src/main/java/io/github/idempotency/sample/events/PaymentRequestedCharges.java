package io.github.idempotency.sample.events;

import java.time.Duration;

import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.sample.psp.Charge;
import io.github.idempotency.sample.psp.ChargeRequest;
import io.github.idempotency.sample.psp.FakePaymentProcessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Charges a requested payment at the PSP for the listeners of either broker, passing the running execution's
 * downstream key so that the PSP, too, charges a retried execution once.
 */
final class PaymentRequestedCharges {

	private static final Log logger = LogFactory.getLog(PaymentRequestedCharges.class);

	private final FakePaymentProcessor processor;

	PaymentRequestedCharges(FakePaymentProcessor processor) {
		this.processor = processor;
	}

	Charge charge(PaymentRequested event) {
		String downstreamKey = IdempotencyContext.current().map(IdempotencyContext::downstreamKey).orElse(null);
		Charge charge = this.processor
			.charge(new ChargeRequest(event.amount(), event.currency(), downstreamKey, null, Duration.ZERO));
		logger.info("Charged " + event.amount() + " " + event.currency() + " for '" + event.description() + "': "
				+ charge.reference());
		return charge;
	}

}
