package io.github.idempotency.faultsuite.killpoints;

import java.util.Locale;

/**
 * Where a request's thread stops until the app is killed, told by JDBC events on the connection of its business
 * transaction (the one that touches the business table, {@link #TABLE_PROPERTY}). The order is that of a joined
 * transaction: the method reads, its completion is written to the idempotency record, Hibernate flushes the insert,
 * the transaction commits; then the rendered response is attached in a statement of its own.
 */
public enum KillPoint {

	/** Inside the method: before its first statement on the payment table; nothing of the transaction written. */
	IN_METHOD,

	/** The business insert is about to run; with join-transaction, the completion is written but uncommitted. */
	BEFORE_INSERT,

	/** The business insert ran and the transaction has not committed. */
	AFTER_INSERT,

	/** The business transaction committed; the rendered response is not attached to the record yet. */
	AFTER_COMMIT;

	/** The request header that names a point. */
	public static final String HEADER = "Fault-Suite-Kill-Point";

	/** The property that switches the points on in a child app. */
	public static final String PROPERTY = "fault-suite.kill-points";

	/** The property that names the business table, {@code payment} unless set. */
	public static final String TABLE_PROPERTY = "fault-suite.kill-points.table";

	private static final String MARKER = "fault-suite kill point ";

	/** The header's value. */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The line a child app logs when a request reached this point.
	 * @param key the request's idempotency key
	 * @return the line
	 */
	public String marker(String key) {
		return MARKER + value() + " reached by " + key;
	}

	static KillPoint of(String value) {
		for (KillPoint point : values()) {
			if (point.value().equals(value)) {
				return point;
			}
		}
		throw new IllegalArgumentException("unknown kill point " + value);
	}

}
