package io.github.idempotency.spring.jpa;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Join-transaction on a real PostgreSQL ({@link PostgresTestServer}), in a schema of the test class's own.
 */
class TransactionalCompletionPostgresIT extends AbstractTransactionalCompletionTest {

	@RegisterExtension
	static final PostgresTestSchema SCHEMA = new PostgresTestSchema("idem_tx");

	@Override
	protected String[] applicationProperties() {
		return SCHEMA.springDataSourceProperties("idempotency.jpa.initialize-schema=always");
	}

}
