package io.github.idempotency.spring.messaging;

import java.util.List;

import javax.sql.DataSource;

import io.github.idempotency.core.execution.IdempotencyContext;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The side effect of a consumer under test, kept outside the consumer's JVM so that it survives a crash: one row per
 * charge in a PostgreSQL table without a unique constraint, so that a second charge of the same message is
 * recorded, not refused. A row also names the idempotency record and the downstream key of the execution that
 * charged, read from the {@link IdempotencyContext}.
 */
public final class ChargeLedger {

	private final JdbcTemplate jdbc;

	private final String table;

	/**
	 * @param dataSource a pool on the database
	 * @param table the ledger's table
	 */
	public ChargeLedger(DataSource dataSource, String table) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.table = table;
	}

	/** Creates the table (no unique constraint: a duplicate charge must show, not fail). */
	public void create() {
		this.jdbc.execute("CREATE TABLE " + this.table + " (id BIGSERIAL PRIMARY KEY, message_id VARCHAR(255) NOT NULL, "
				+ "storage_key VARCHAR(64), downstream_key VARCHAR(255), pid BIGINT NOT NULL)");
	}

	/** Drops the table. */
	public void drop() {
		this.jdbc.execute("DROP TABLE IF EXISTS " + this.table);
	}

	/**
	 * Books a charge of a message (auto-committed at once: the charge is done when this returns).
	 * @param messageId the message's id
	 */
	public void charge(String messageId) {
		IdempotencyContext context = IdempotencyContext.current().orElse(null);
		this.jdbc.update(
				"INSERT INTO " + this.table + " (message_id, storage_key, downstream_key, pid) VALUES (?, ?, ?, ?)",
				messageId, (context != null) ? context.key().storageKey().value() : null,
				(context != null) ? context.downstreamKey() : null, ProcessHandle.current().pid());
	}

	/**
	 * The charges of a message so far.
	 * @param messageId the message's id
	 * @return its charges, oldest first
	 */
	public List<Charge> charges(String messageId) {
		return this.jdbc.query(
				"SELECT storage_key, downstream_key, pid FROM " + this.table + " WHERE message_id = ? ORDER BY id",
				(row, index) -> new Charge(row.getString(1), row.getString(2), row.getLong(3)), messageId);
	}

	/**
	 * One booked charge.
	 * @param storageKey the storage key of the idempotency record of the execution that charged, or {@code null}
	 * when it ran without one
	 * @param downstreamKey that execution's downstream key, or {@code null}
	 * @param pid the process that charged
	 */
	public record Charge(String storageKey, String downstreamKey, long pid) {
	}

}
