package io.github.idempotency.sample.payment;

/**
 * A payment as the API shows it.
 *
 * @param id the payment's id
 * @param amount amount in minor units
 * @param currency ISO 4217 code
 * @param description free text, may be {@code null}
 * @param status {@code CAPTURED} once the PSP took the money
 */
public record PaymentResponse(String id, long amount, String currency, String description, String status) {

	static PaymentResponse of(Payment payment) {
		return new PaymentResponse(payment.getId(), payment.getAmount(), payment.getCurrency(),
				payment.getDescription(), payment.getStatus());
	}

}
