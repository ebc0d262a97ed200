package io.github.idempotency.faultsuite.receipts;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Test-only: on the class path of the fault suite's child apps, inert unless {@code fault-suite.receipts=true}. Adds
 * {@link ReceiptController}.
 */
@AutoConfiguration
@ConditionalOnProperty(name = ReceiptAutoConfiguration.PROPERTY, havingValue = "true")
public final class ReceiptAutoConfiguration {

	/** The property that adds the endpoint to a child app. */
	public static final String PROPERTY = "fault-suite.receipts";

	@Bean
	ReceiptController faultSuiteReceiptController() {
		return new ReceiptController();
	}

}
