package io.github.idempotency.spring.jpa;

/**
 * Join-transaction on a private MariaDB server ({@link MariaDbTestServer}).
 */
class TransactionalCompletionMariaDbIT extends AbstractTransactionalCompletionTest {

	@Override
	protected String[] applicationProperties() {
		return MariaDbTestServer.get()
			.springDataSourceProperties("idempotency.jpa.initialize-schema=always",
					"idempotency.jpa.table-name=idem_tx_records");
	}

}
