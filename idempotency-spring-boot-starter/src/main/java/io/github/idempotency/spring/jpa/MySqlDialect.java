package io.github.idempotency.spring.jpa;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * MySQL 8 and MariaDB: times are UTC {@code DATETIME(6)} values from {@code UTC_TIMESTAMP(6)}, which is read
 * when each statement runs.
 */
final class MySqlDialect extends SqlDialect {

	private final String platform;

	MySqlDialect(String table, String platform) {
		super(table);
		this.platform = platform;
	}

	@Override
	String platform() {
		return this.platform;
	}

	@Override
	String now() {
		return "UTC_TIMESTAMP(6)";
	}

	@Override
	String nowPlusMillis() {
		return "TIMESTAMPADD(MICROSECOND, ? * 1000, UTC_TIMESTAMP(6))";
	}

	// InnoDB's writes read the latest committed version at REPEATABLE READ too (locking reads), and each claim whose
	// insert or takeover misses reads again in a new transaction; only SERIALIZABLE, which turns the claim's read into
	// a shared lock that racing inserts deadlock on, must not be used
	@Override
	boolean needsReadCommittedInsteadOf(int isolation) {
		return isolation == Connection.TRANSACTION_SERIALIZABLE;
	}

	// 1020 (ER_CHECKREAD): "record has changed since last read", which MariaDB's innodb_snapshot_isolation raises
	// where MySQL would write over the newer version
	@Override
	boolean isLostRace(SQLException ex) {
		return super.isLostRace(ex) || ex.getErrorCode() == 1020;
	}

	@Override
	boolean claimsInOneStatement() {
		return false;
	}

	/**
	 * On MariaDB, {@code INSERT IGNORE}: a claim that loses the race to insert the key inserts nothing instead of
	 * failing, because MariaDB Connector/J logs every error the server sends at WARN, one line per lost race although
	 * the store reads the winner's row and carries on. {@code IGNORE} also turns truncations into warnings, which the
	 * bound values cannot cause: the key and the token have fixed lengths that fit their columns, and a fingerprint
	 * is a short version and 64 hex characters. MySQL's driver logs nothing, so MySQL keeps the plain insert.
	 */
	@Override
	String insert() {
		String insert = super.insert();
		return "mariadb".equals(this.platform) ? "INSERT IGNORE" + insert.substring("INSERT".length()) : insert;
	}

	@Override
	String purge() {
		return "DELETE FROM " + this.table + " WHERE purge_after <= UTC_TIMESTAMP(6) AND expires_at <= UTC_TIMESTAMP(6) "
				+ "ORDER BY purge_after LIMIT ?";
	}

	@Override
	Instant readInstant(ResultSet rs, String column) throws SQLException {
		LocalDateTime value = rs.getObject(column, LocalDateTime.class);
		return (value != null) ? value.toInstant(ZoneOffset.UTC) : null;
	}

	@Override
	void bindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
		ps.setObject(index, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
	}

}
