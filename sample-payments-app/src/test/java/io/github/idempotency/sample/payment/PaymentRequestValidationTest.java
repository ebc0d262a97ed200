package io.github.idempotency.sample.payment;

import java.util.Set;

import io.github.idempotency.sample.psp.Simulation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PaymentRequestValidationTest {

	private static ValidatorFactory factory;

	private static Validator validator;

	@BeforeAll
	static void createValidator() {
		factory = Validation.buildDefaultValidatorFactory();
		validator = factory.getValidator();
	}

	@AfterAll
	static void closeValidator() {
		factory.close();
	}

	@Test
	void acceptsAPositiveAmountInAKnownCurrency() {
		assertThat(validator.validate(new PaymentRequest(1250L, "EUR", "coffee", null, null))).isEmpty();
	}

	@Test
	void refusesZeroAmountAndUnknownCurrency() {
		Set<ConstraintViolation<PaymentRequest>> violations = validator
			.validate(new PaymentRequest(0L, "XYZ", null, null, null));
		assertThat(violations).extracting((violation) -> violation.getPropertyPath().toString())
			.containsExactlyInAnyOrder("amount", "currency");
	}

	@Test
	void refusesLowerCaseCurrency() {
		assertThat(validator.validate(new PaymentRequest(1L, "eur", null, null, null))).hasSize(1);
	}

	@Test
	void boundsTheSimulatedDelay() {
		assertThat(validator.validate(new PaymentRequest(1L, "EUR", null, Simulation.SLOW, 60000))).isEmpty();
		assertThat(validator.validate(new PaymentRequest(1L, "EUR", null, Simulation.SLOW, 60001))).hasSize(1);
		assertThat(validator.validate(new PaymentRequest(1L, "EUR", null, Simulation.SLOW, -1))).hasSize(1);
	}

}
