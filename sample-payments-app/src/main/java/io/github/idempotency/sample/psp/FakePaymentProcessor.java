package io.github.idempotency.sample.psp;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * A payment processor that lives in this JVM. Every call counts as an attempt, whether it charges, declines or
 * fails, so {@link #attempts()} shows how many times the application really reached the PSP.
 */
@Component
public class FakePaymentProcessor {

	private static final Log logger = LogFactory.getLog(FakePaymentProcessor.class);

	private final AtomicLong attempts = new AtomicLong();

	/**
	 * Charges an amount.
	 * @param request the charge
	 * @return the accepted charge
	 * @throws PaymentDeclinedException when the charge is declined
	 * @throws PspUnavailableException when the PSP cannot take the charge now
	 */
	public Charge charge(ChargeRequest request) {
		long attempt = this.attempts.incrementAndGet();
		if (logger.isDebugEnabled()) {
			logger.debug("PSP attempt " + attempt + " for " + request.amount() + " " + request.currency()
					+ " with downstream key " + request.downstreamKey());
		}
		if (request.simulation() == Simulation.DECLINE) {
			throw new PaymentDeclinedException("The card was declined");
		}
		if (request.simulation() == Simulation.PSP_UNAVAILABLE) {
			throw new PspUnavailableException("The payment processor is unavailable");
		}
		if (request.simulation() == Simulation.SLOW) {
			pause(request);
		}
		return new Charge("ch_" + UUID.randomUUID().toString().replace("-", ""), attempt);
	}

	/**
	 * Number of calls received since this instance started.
	 * @return the count of charge calls, whatever their outcome
	 */
	public long attempts() {
		return this.attempts.get();
	}

	private void pause(ChargeRequest request) {
		try {
			// the demo's stand-in for a slow network call: the request thread really is busy for this long
			Thread.sleep(request.delay().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PspUnavailableException("Interrupted while waiting for the payment processor");
		}
	}

}
