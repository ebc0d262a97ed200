package io.github.idempotency.spring.jpa;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

/**
 * The JPA store on H2, in memory.
 */
class JpaIdempotencyStoreH2Test extends AbstractJpaIdempotencyStoreTest {

	private static final String TABLE = uniqueTableName("idem_store_test");

	private static EmbeddedDatabase dataSource;

	@BeforeAll
	static void createTable() {
		dataSource = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		createTable(dataSource, TABLE);
	}

	@AfterAll
	static void dropDatabase() {
		dataSource.shutdown();
	}

	@Override
	protected DataSource dataSource() {
		return dataSource;
	}

	@Override
	protected String tableName() {
		return TABLE;
	}

	@Override
	protected String shiftDeadlinesSql() {
		return "UPDATE " + TABLE + " SET expires_at = DATEADD(MILLISECOND, -CAST(? AS BIGINT), expires_at), "
				+ "awaiting_response_until = DATEADD(MILLISECOND, -CAST(? AS BIGINT), awaiting_response_until)";
	}

}
