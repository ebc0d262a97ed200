package io.github.idempotency.spring.jpa;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.sql.DataSource;

/**
 * A database whose chosen statements fail, a given number of times, as a database fails the loser of a race: with
 * the SQL state of a serialization failure ({@code 40001}) or of a deadlock ({@code 40P01}). The failure is raised
 * when the statement is executed, before it reaches the database, so it changes nothing there, as a transaction
 * rolled back after such a failure changes nothing. Every other call goes to the real database.
 */
public final class LostRaceInjector {

	private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate",
			"executeLargeUpdate");

	private final DataSource dataSource;

	private final AtomicInteger remaining = new AtomicInteger();

	private volatile String sqlState = "40001";

	private volatile Predicate<String> faulty = (sql) -> false;

	/** How many executions of the chosen statements were failed. */
	final AtomicInteger injected = new AtomicInteger();

	/** How many times the chosen statements were executed, failed or not. */
	final AtomicInteger executed = new AtomicInteger();

	/**
	 * Failures on the given database.
	 * @param target the real database
	 */
	public LostRaceInjector(DataSource target) {
		this.dataSource = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
					Object result = invoke(target, method, args);
					return (result instanceof Connection connection) ? connection(connection) : result;
				});
	}

	/**
	 * The database, with the failures.
	 * @return a {@code DataSource} on the real one
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Fails the next {@code count} executions of the statements that {@code statements} selects by their SQL.
	 * @param count how many executions to fail
	 * @param sqlState the SQL state they fail with
	 * @param statements which statements
	 */
	public void failNext(int count, String sqlState, Predicate<String> statements) {
		this.sqlState = sqlState;
		this.faulty = statements;
		this.injected.set(0);
		this.executed.set(0);
		this.remaining.set(count);
	}

	/**
	 * The statement that starts each attempt to claim a key in the store's table: PostgreSQL's one-statement claim,
	 * or the read that starts the other databases' claims.
	 * @param database the database, to recognize its dialect
	 * @param table the store's table
	 * @return a test of a statement's SQL
	 */
	public static Predicate<String> claimStatement(DataSource database, String table) {
		SqlDialect dialect = new RecordTable(database, table).dialect();
		String first = dialect.claimsInOneStatement() ? dialect.claimInOneStatement() : dialect.readWithTime();
		return first::equals;
	}

	/**
	 * How many executions of the chosen statements were failed since {@link #failNext}.
	 * @return the count
	 */
	public int injected() {
		return this.injected.get();
	}

	private Connection connection(Connection connection) {
		return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
				(proxy, method, args) -> {
					Object result = invoke(connection, method, args);
					if (result instanceof PreparedStatement statement && method.getName().equals("prepareStatement")
							&& this.faulty.test((String) args[0])) {
						return failing(statement);
					}
					return result;
				});
	}

	private PreparedStatement failing(PreparedStatement statement) {
		return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { PreparedStatement.class }, (proxy, method, args) -> {
					if (EXECUTIONS.contains(method.getName())) {
						this.executed.incrementAndGet();
						if (this.remaining.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
							this.injected.incrementAndGet();
							throw new SQLException("injected: could not serialize access due to concurrent update",
									this.sqlState);
						}
					}
					return invoke(statement, method, args);
				});
	}

	private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
