package io.github.idempotency.spring.jpa;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Join-transaction end to end on a real PostgreSQL ({@link PostgresTestServer}), in a schema of the test class's
 * own.
 */
class JoinedTransactionPostgresIT extends AbstractJoinedTransactionTest {

	@RegisterExtension
	static final PostgresTestSchema SCHEMA = new PostgresTestSchema("idem_joined");

	@Override
	protected String[] applicationProperties() {
		return SCHEMA.springDataSourceProperties("idempotency.jpa.initialize-schema=always");
	}

}
