package io.github.idempotency.spring.jpa;

import java.util.UUID;

/**
 * Join-transaction on an in-memory H2 database; the idempotency table is created because the database is embedded
 * ({@code idempotency.jpa.initialize-schema=embedded}, the default).
 */
class TransactionalCompletionH2Test extends AbstractTransactionalCompletionTest {

	@Override
	protected String[] applicationProperties() {
		return new String[] { "spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" };
	}

}
