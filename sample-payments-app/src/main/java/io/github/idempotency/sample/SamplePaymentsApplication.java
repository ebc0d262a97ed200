package io.github.idempotency.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A payments and orders service that shows the idempotency starter at work: a retried payment charges the card
 * once, and an order transition requested by several clients runs once.
 * <p>
 * Runs with no flags on an in-memory idempotency store and H2; the {@code redis} and {@code postgres} profiles
 * move the idempotency records to Redis or, with the business data, to PostgreSQL.
 */
@SpringBootApplication
public class SamplePaymentsApplication {

	public static void main(String[] args) {
		SpringApplication.run(SamplePaymentsApplication.class, args);
	}

}
