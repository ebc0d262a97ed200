package io.github.idempotency.faultsuite.stores;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The database of a JPA store under test (PostgreSQL or MariaDB), read from the suite's side with the app's own
 * datasource properties: business rows and idempotency records, counted.
 */
public final class StoreDatabase {

	// the sample app's tables (its entities and the JPA store's default table)
	private static final List<String> APP_TABLES = List.of("payment", "purchase_order", "idempotency_record");

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
	 * Deletes every row of the tables that scenarios count (payments, orders and idempotency records), where they
	 * exist, so that a scenario counts only its own rows on a server that an earlier one used. The tables stay, so
	 * that an app that created them at its start-up can go on using them; the ORM's id sequences are left alone.
	 */
	public void emptyAppTables() {
		try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password);
				Statement statement = connection.createStatement()) {
			for (String table : APP_TABLES) {
				boolean exists;
				try (ResultSet rows = connection.getMetaData().getTables(connection.getCatalog(), null, table, null)) {
					exists = rows.next();
				}
				if (exists) {
					statement.execute("DELETE FROM " + table);
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not empty the tables of " + this.url, ex);
		}
	}

	/**
	 * Every row of a table, each column's value as text: binary columns decoded as UTF-8 (a stored response body),
	 * the others as the driver writes them, {@code null} as an empty text.
	 * @param table the table
	 * @return the rows, each column by its lower-case name
	 */
	public List<Map<String, String>> rows(String table) {
		try (Connection connection = DriverManager.getConnection(this.url, this.user, this.password);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
			ResultSetMetaData columns = rows.getMetaData();
			List<Map<String, String>> all = new ArrayList<>();
			while (rows.next()) {
				Map<String, String> row = new LinkedHashMap<>();
				for (int i = 1; i <= columns.getColumnCount(); i++) {
					Object value = rows.getObject(i);
					row.put(columns.getColumnLabel(i).toLowerCase(Locale.ROOT),
							(value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8)
									: (value != null) ? value.toString() : "");
				}
				all.add(row);
			}
			return all;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("could not read " + table + " in " + this.url, ex);
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
