package io.github.idempotency.faultsuite.stores;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The database of a JPA store under test (PostgreSQL or MariaDB), read from the suite's side with the app's own
 * datasource properties: business rows and idempotency records, counted.
 */
public final class StoreDatabase {

	private final String url;

	private final String user;

	private final String password;

	private StoreDatabase(String url, String user, String password) {
		this.url = url;
		this.user = user;
		this.password = password;
	}

	/**
	 * The database a store points the app at.
	 * @param store a store whose app properties name a datasource
	 * @return its database
	 */
	public static StoreDatabase of(StoreUnderTest store) {
		Map<String, String> properties = store.appProperties();
		String url = properties.get("spring.datasource.url");
		if (url == null) {
			throw new IllegalArgumentException(store.name() + " keeps no records in a database");
		}
		return new StoreDatabase(url, properties.getOrDefault("spring.datasource.username", ""),
				properties.getOrDefault("spring.datasource.password", ""));
	}

	/**
	 * A query's rows as the first column's value and the second column's count.
	 * @param sql a query selecting a text and a number
	 * @param parameters its parameters
	 * @return the rows, in the query's order
	 */
	public Map<String, Long> counts(String sql, Object... parameters) {
		try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password);
				PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			Map<String, Long> counts = new LinkedHashMap<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					counts.put(rows.getString(1), rows.getLong(2));
				}
			}
			return counts;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + " failed", ex);
		}
	}

	/**
	 * Empties every table of the store's database (PostgreSQL's schema {@code public}, or MariaDB's database), so
	 * that a scenario counts only its own rows on a server that an earlier one used. The tables stay, so that an
	 * app that created them at its start-up can go on using them.
	 * @param schema the schema, or {@code null} for the connection's catalog
	 */
	public void emptyEveryTable(String schema) {
		try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password);
				Statement statement = connection.createStatement()) {
			List<String> tables = new ArrayList<>();
			try (ResultSet rows = connection.getMetaData()
				.getTables((schema != null) ? null : connection.getCatalog(), schema, "%", new String[] { "TABLE" })) {
				while (rows.next()) {
					tables.add(rows.getString("TABLE_NAME"));
				}
			}
			for (String table : tables) {
				statement.execute("DELETE FROM " + table);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not empty the tables of " + this.url, ex);
		}
	}

	/**
	 * A count.
	 * @param sql a query selecting one number
	 * @return the number
	 */
	public long count(String sql) {
		try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password);
				PreparedStatement statement = connection.prepareStatement(sql);
				ResultSet rows = statement.executeQuery()) {
			rows.next();
			return rows.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + " failed", ex);
		}
	}

}
