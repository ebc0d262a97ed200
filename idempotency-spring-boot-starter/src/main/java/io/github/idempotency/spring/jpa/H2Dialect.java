package io.github.idempotency.spring.jpa;

/**
 * H2, which runs in the application's JVM. {@code CURRENT_TIMESTAMP} stands still for a transaction, so a
 * completion written in the application's transaction judges its lease by the time that transaction began.
 */
final class H2Dialect extends SqlDialect {

	H2Dialect(String table) {
		super(table);
	}

	@Override
	String platform() {
		return "h2";
	}

	@Override
	String now() {
		return "CURRENT_TIMESTAMP(6)";
	}

	@Override
	String nowPlusMillis() {
		return "DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP(6))";
	}

	@Override
	boolean claimsInOneStatement() {
		return false;
	}

	@Override
	String purge() {
		return "DELETE FROM " + this.table + " WHERE purge_after <= CURRENT_TIMESTAMP(6) "
				+ "AND expires_at <= CURRENT_TIMESTAMP(6) FETCH FIRST ? ROWS ONLY";
	}

}
