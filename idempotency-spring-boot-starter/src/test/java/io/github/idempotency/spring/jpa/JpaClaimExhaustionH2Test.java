package io.github.idempotency.spring.jpa;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

/**
 * Claims that lose every attempt, on H2 in memory, whose claim reads the row before it writes.
 */
class JpaClaimExhaustionH2Test extends AbstractJpaClaimExhaustionTest {

	private static final String TABLE = AbstractJpaIdempotencyStoreTest.uniqueTableName("idem_exhaustion_test");

	private static EmbeddedDatabase dataSource;

	@BeforeAll
	static void createTable() {
		dataSource = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
		AbstractJpaIdempotencyStoreTest.createTable(dataSource, TABLE);
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

}
