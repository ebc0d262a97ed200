package io.github.idempotency.spring.jpa;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Claims that lose every attempt, on H2 in memory, whose claim reads the row before it writes.
 */
class JpaClaimExhaustionH2Test extends AbstractJpaClaimExhaustionTest {

	@RegisterExtension
	static final StoreTestTable TABLE = StoreTestTable.onH2("idem_exhaustion_test");

	@Override
	protected StoreTestTable table() {
		return TABLE;
	}

}
