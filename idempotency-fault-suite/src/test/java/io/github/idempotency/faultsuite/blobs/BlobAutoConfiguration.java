package io.github.idempotency.faultsuite.blobs;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Test-only: on the class path of the fault suite's child apps, inert unless {@code fault-suite.blobs=true}. Adds
 * {@link BlobController}.
 */
@AutoConfiguration
@ConditionalOnProperty(name = BlobAutoConfiguration.PROPERTY, havingValue = "true")
public final class BlobAutoConfiguration {

	/** The property that adds the endpoint to a child app. */
	public static final String PROPERTY = "fault-suite.blobs";

	@Bean
	BlobController faultSuiteBlobController() {
		return new BlobController();
	}

}
