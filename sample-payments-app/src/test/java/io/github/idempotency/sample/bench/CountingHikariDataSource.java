package io.github.idempotency.sample.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.spring.jpa.InterceptingProxy;

/**
 * The application's Hikari pool (selected with {@code spring.datasource.type}), recording what its borrowers send to
 * the database through the connections they borrow: every statement executed, with its SQL, and every
 * {@code commit} and {@code rollback}. Each of those is one round trip with the PostgreSQL driver (a transaction's
 * {@code BEGIN} travels with its first statement); {@code setAutoCommit(false)}, which sends nothing by itself, is
 * recorded too, since it says that the statements that follow share a transaction. What the pool does on its own
 * (validating an idle connection before lending it, keep-alives) is not seen here: the hand-written ideal path pays
 * it alike.
 */
public class CountingHikariDataSource extends HikariDataSource {

	private final List<String> calls = new CopyOnWriteArrayList<>();

	@Override
	public Connection getConnection() throws SQLException {
		return countingConnection(super.getConnection());
	}

	/**
	 * What was sent since the last {@link #clear()}, in order: {@code statement: <sql>}, {@code commit},
	 * {@code rollback}, {@code setAutoCommit(false)}.
	 * @return a copy of the calls
	 */
	public List<String> calls() {
		return new ArrayList<>(this.calls);
	}

	/** Forgets the calls recorded so far. */
	public void clear() {
		this.calls.clear();
	}

	private Connection countingConnection(Connection connection) {
		return InterceptingProxy.of(Connection.class, connection, (target, method, args) -> {
			String name = method.getName();
			if (name.equals("commit") || name.equals("rollback")) {
				this.calls.add(name);
			}
			else if (name.equals("setAutoCommit") && Boolean.FALSE.equals(args[0])) {
				this.calls.add("setAutoCommit(false)");
			}
			Object result = InterceptingProxy.proceed(target, method, args);
			if (result instanceof Statement statement) {
				String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : null;
				return countingStatement(statement, method.getReturnType(), sql);
			}
			return result;
		});
	}

	private Object countingStatement(Statement statement, Class<?> type, String preparedSql) {
		return InterceptingProxy.of(type, statement, (target, method, args) -> {
			String name = method.getName();
			if (name.startsWith("execute")) {
				String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : preparedSql;
				this.calls.add("statement: " + sql);
			}
			return InterceptingProxy.proceed(target, method, args);
		});
	}

}
