package io.github.idempotency.spring.jpa;

import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

/**
 * A store table of a test class's own, on a connection pool of its own: the pool opened and the table created by the
 * shipped script before the class's first test, and both gone after its last. Register it on a static field with
 * {@code @RegisterExtension}; the factory says on which database.
 */
final class StoreTestTable implements BeforeAllCallback, AfterAllCallback {

	private final String name;

	private final Supplier<DataSource> database;

	private DataSource dataSource;

	private StoreTestTable(String prefix, Supplier<DataSource> database) {
		this.name = AbstractJpaIdempotencyStoreTest.uniqueTableName(prefix);
		this.database = database;
	}

	/**
	 * A table on the shared {@link PostgresTestServer}, dropped afterwards.
	 * @param prefix the start of the table's name, which ends with random characters
	 * @param maximumPoolSize the most connections the pool opens
	 * @return the table
	 */
	static StoreTestTable onPostgres(String prefix, int maximumPoolSize) {
		return new StoreTestTable(prefix, () -> PostgresTestServer.get().newDataSource(maximumPoolSize));
	}

	/**
	 * A table on the {@link MariaDbTestServer}, dropped afterwards; its tests are skipped where MariaDB is missing.
	 * @param prefix the start of the table's name, which ends with random characters
	 * @param maximumPoolSize the most connections the pool opens
	 * @return the table
	 */
	static StoreTestTable onMariaDb(String prefix, int maximumPoolSize) {
		return new StoreTestTable(prefix, () -> MariaDbTestServer.get().newDataSource(maximumPoolSize));
	}

	/**
	 * A table in an H2 database in memory of its own, shut down afterwards.
	 * @param prefix the start of the table's name, which ends with random characters
	 * @return the table
	 */
	static StoreTestTable onH2(String prefix) {
		return new StoreTestTable(prefix,
				() -> new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build());
	}

	/**
	 * The table's name.
	 * @return the name
	 */
	String name() {
		return this.name;
	}

	/**
	 * The pool on the table's database, open from before the class's first test to after its last.
	 * @return the pool
	 */
	DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.dataSource = this.database.get();
		AbstractJpaIdempotencyStoreTest.createTable(this.dataSource, this.name);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		// neither, when the server was missing and the tests were skipped
		if (this.dataSource instanceof HikariDataSource pool) {
			PostgresTestServer.execute(pool, "DROP TABLE IF EXISTS " + this.name);
			pool.close();
		}
		else if (this.dataSource instanceof EmbeddedDatabase database) {
			// the database is the class's own: the table goes with it
			database.shutdown();
		}
	}

}
