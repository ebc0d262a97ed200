package io.github.idempotency.spring.jpa;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Claims that lose every attempt, on a real PostgreSQL ({@link PostgresTestServer}), whose claim is one statement.
 */
class JpaClaimExhaustionPostgresIT extends AbstractJpaClaimExhaustionTest {

	@RegisterExtension
	static final StoreTestTable TABLE = StoreTestTable.onPostgres("idem_exhaustion_it", 4);

	@Override
	protected StoreTestTable table() {
		return TABLE;
	}

}
