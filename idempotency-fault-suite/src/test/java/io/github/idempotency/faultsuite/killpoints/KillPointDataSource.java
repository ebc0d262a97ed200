package io.github.idempotency.faultsuite.killpoints;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's {@link DataSource}, whose connections stop a request with a kill point where it reaches it: on
 * the connection that touches the business table, before its first statement there, before and after the
 * insert, after the commit. Connections of threads without a kill point are the pool's own.
 */
final class KillPointDataSource extends DelegatingDataSource {

	private static final Set<String> EXECUTIONS = Set.of("execute", "executeUpdate", "executeLargeUpdate",
			"executeBatch", "executeLargeBatch");

	private final Pattern businessTable;

	KillPointDataSource(DataSource target, String table) {
		super(target);
		this.businessTable = Pattern.compile("\\b" + Pattern.quote(table.toLowerCase(Locale.ROOT)) + "\\b");
	}

	@Override
	public Connection getConnection() throws SQLException {
		return watched(super.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return watched(super.getConnection(username, password));
	}

	private Connection watched(Connection connection) {
		if (KillPointRequest.current() == null) {
			return connection;
		}
		return (Connection) Proxy.newProxyInstance(KillPointDataSource.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new ConnectionPoints(connection, this.businessTable));
	}

	private static Object invoke(Object target, Method method, Object[] arguments) throws Throwable {
		try {
			return method.invoke(target, arguments);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private static final class ConnectionPoints implements InvocationHandler {

		private final Connection connection;

		private final Pattern businessTable;

		private boolean touchedPayments;

		private boolean inserted;

		ConnectionPoints(Connection connection, Pattern businessTable) {
			this.connection = connection;
			this.businessTable = businessTable;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
			KillPointRequest request = KillPointRequest.current();
			if (request == null) {
				return KillPointDataSource.invoke(this.connection, method, arguments);
			}
			if (method.getName().equals("prepareStatement") && arguments != null && arguments[0] instanceof String sql) {
				String statement = sql.toLowerCase(Locale.ROOT);
				boolean payments = this.businessTable.matcher(statement).find();
				if (payments && !this.touchedPayments) {
					this.touchedPayments = true;
					request.stopIfAt(KillPoint.IN_METHOD);
				}
				if (payments && statement.startsWith("insert")) {
					request.stopIfAt(KillPoint.BEFORE_INSERT);
					PreparedStatement prepared = (PreparedStatement) KillPointDataSource.invoke(this.connection, method,
							arguments);
					return Proxy.newProxyInstance(KillPointDataSource.class.getClassLoader(),
							new Class<?>[] { PreparedStatement.class }, (statementProxy, called, args) -> {
								Object result = KillPointDataSource.invoke(prepared, called, args);
								if (EXECUTIONS.contains(called.getName())) {
									this.inserted = true;
									request.stopIfAt(KillPoint.AFTER_INSERT);
								}
								return result;
							});
				}
			}
			Object result = KillPointDataSource.invoke(this.connection, method, arguments);
			if (method.getName().equals("commit") && this.inserted) {
				request.stopIfAt(KillPoint.AFTER_COMMIT);
			}
			return result;
		}

	}

}
