package io.github.idempotency.spring.jpa;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JPA store on H2, in memory.
 */
class JpaIdempotencyStoreH2Test extends AbstractJpaIdempotencyStoreTest {

	@RegisterExtension
	static final StoreTestTable TABLE = StoreTestTable.onH2("idem_store_test");

	@Override
	protected StoreTestTable table() {
		return TABLE;
	}

	@Override
	protected String shiftDeadlinesSql() {
		return "UPDATE " + TABLE.name() + " SET expires_at = DATEADD(MILLISECOND, -CAST(? AS BIGINT), expires_at), "
				+ "purge_after = DATEADD(MILLISECOND, -CAST(? AS BIGINT), purge_after), "
				+ "awaiting_response_until = DATEADD(MILLISECOND, -CAST(? AS BIGINT), awaiting_response_until)";
	}

}
