package io.github.idempotency.faultsuite.stores;

import java.util.Map;

/**
 * A store the sample app keeps its idempotency records in during a scenario, with the process (if any) that
 * serves it.
 */
public interface StoreUnderTest extends AutoCloseable {

	/** A short name for the report: {@code memory}, {@code redis}, {@code postgresql} or {@code mariadb}. */
	String name();

	/** The sample app's profile for this store, or {@code null} for the default run. */
	String profile();

	/** The app's properties that point it at this store. */
	Map<String, String> appProperties();

	@Override
	void close();

}
