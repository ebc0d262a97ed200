package io.github.idempotency.sample.bench;

import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The minimal path for PostgreSQL: {@code INSERT ... ON CONFLICT DO NOTHING} claims (a conflict is followed by a
 * {@code SELECT} of what holds the key), an {@code UPDATE} stores the response; each statement commits on its own.
 * The table is the bench profile's own, created at start-up.
 */
@Component
@Profile("bench")
@ConditionalOnProperty(name = "idempotency.store", havingValue = "jpa")
class PostgresIdealPath implements IdealPath {

	private final JdbcTemplate jdbc;

	private final String insert;

	private final String select;

	private final String update;

	PostgresIdealPath(JdbcTemplate jdbc, @Value("${bench.ideal.table-name:bench_ideal_record}") String table) {
		if (!table.matches("[a-z_][a-z0-9_]*")) {
			throw new IllegalArgumentException("bench.ideal.table-name must be a plain lower-case name: " + table);
		}
		this.jdbc = jdbc;
		this.insert = "INSERT INTO " + table + " (idempotency_key) VALUES (?) ON CONFLICT DO NOTHING";
		this.select = "SELECT response FROM " + table + " WHERE idempotency_key = ?";
		this.update = "UPDATE " + table + " SET response = ? WHERE idempotency_key = ?";
		jdbc.execute("CREATE TABLE IF NOT EXISTS " + table
				+ " (idempotency_key VARCHAR(300) PRIMARY KEY, response BYTEA)");
	}

	@Override
	public IdealClaim claim(String key) {
		if (this.jdbc.update(this.insert, key) == 1) {
			return IdealClaim.CLAIMED;
		}
		List<byte[]> held = this.jdbc.query(this.select, (row, index) -> row.getBytes(1), key);
		if (held.isEmpty()) {
			// the holder was deleted between the two statements; the client retries
			return IdealClaim.IN_PROGRESS;
		}
		byte[] body = held.get(0);
		return (body == null) ? IdealClaim.IN_PROGRESS : new IdealClaim.Finished(body);
	}

	@Override
	public void complete(String key, byte[] body) {
		this.jdbc.update(this.update, body, key);
	}

}
