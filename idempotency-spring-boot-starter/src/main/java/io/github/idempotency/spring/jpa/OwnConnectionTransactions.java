package io.github.idempotency.spring.jpa;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;

import javax.sql.DataSource;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Runs the store's statements on a connection of their own, never on the calling thread's transactional one: a
 * {@code REQUIRES_NEW} in effect, without touching the thread's transaction. On an auto-commit connection each
 * statement is its own transaction, at no extra round trip; otherwise they commit together at the end, one round trip
 * more, unless the driver can switch the connection to auto-commit for the work without a round trip of its own.
 */
final class OwnConnectionTransactions {

	private final JdbcTemplate template;

	/**
	 * Transactions whose failures are translated as the store's other statements are.
	 * @param template the store's {@code JdbcTemplate}, whose exception translator (created on first use) they share
	 */
	OwnConnectionTransactions(JdbcTemplate template) {
		this.template = template;
	}

	/**
	 * Runs work on a connection of its own from the given database, in a transaction of its own.
	 * @param source where the connection comes from
	 * @param autoCommitSwitchIsFree whether the driver turns auto-commit on and off without a round trip while no
	 * transaction is open ({@link SqlDialect#switchesAutoCommitLocally()}): the work then runs auto-committed on a
	 * connection lent in manual-commit mode, which spares the commit's round trip, and the connection goes back in
	 * manual-commit mode. Only for work whose statements may each commit on its own, as all of the store's do.
	 * @param work the statements, on a {@code JdbcTemplate} bound to that one connection
	 * @return what the work returned
	 */
	<T> T run(DataSource source, boolean autoCommitSwitchIsFree, Function<JdbcTemplate, T> work) {
		Connection connection;
		try {
			connection = source.getConnection();
		}
		catch (SQLException ex) {
			throw new CannotGetJdbcConnectionException("Failed to obtain a JDBC connection", ex);
		}
		try {
			JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
			jdbc.setExceptionTranslator(this.template.getExceptionTranslator());
			if (connection.getAutoCommit()) {
				return work.apply(jdbc);
			}
			if (autoCommitSwitchIsFree) {
				connection.setAutoCommit(true);
				try {
					return work.apply(jdbc);
				}
				finally {
					restoreManualCommit(connection);
				}
			}
			try {
				T result = work.apply(jdbc);
				connection.commit();
				return result;
			}
			catch (RuntimeException | Error ex) {
				rollback(connection);
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw this.template.getExceptionTranslator().translate("commit", null, ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, null);
		}
	}

	// The work's statements committed: a connection that cannot even be switched back is broken, which the pool
	// finds out when it validates or resets it; reporting a failure here would disown what committed.
	private static void restoreManualCommit(Connection connection) {
		try {
			connection.setAutoCommit(false);
		}
		catch (SQLException ex) {
			// see above
		}
	}

	private static void rollback(Connection connection) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			// the original failure matters more; the pool resets the connection
		}
	}

}
