package io.github.idempotency.spring.jpa;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs the store's statements on a connection of their own, never on the calling thread's transactional one: a
 * {@code REQUIRES_NEW} in effect, without touching the thread's transaction. On an auto-commit connection each
 * statement is its own transaction, at no extra round trip; otherwise they commit together at the end, one round trip
 * more, unless the driver can switch the connection to auto-commit for the work without a round trip of its own.
 * <p>
 * The work runs at READ COMMITTED whatever isolation the pool lends its connections at, where the database needs it
 * ({@link SqlDialect#needsReadCommittedInsteadOf(int)}): the store's compare-and-set statements must see what
 * concurrent claims committed, where PostgreSQL at REPEATABLE READ or SERIALIZABLE fails them with a serialization
 * failure, and InnoDB at SERIALIZABLE turns the claim's read into a shared lock that deadlocks racing inserts. Such a
 * connection is switched for the work and switched back, to its own isolation, before it returns to the pool: up to
 * three round trips more. Whether a pool's connections need it is read from its first connection, once.
 * <p>
 * The work's statements run on one {@code JdbcTemplate}, shared by every call: while the work runs, the borrowed
 * connection is bound to the thread under a key of this class's own ({@link LentConnections}), as a transaction
 * manager binds its connection, so the template finds it there and leaves it open. The key is not the pool, whose
 * connection a caller's transaction may hold on the same thread.
 */
final class OwnConnectionTransactions {

	// what run() returns from pinning when it left the connection's isolation alone
	private static final int KEPT = -1;

	private final JdbcTemplate template;

	// the key under which the connection of the work in progress is bound to the thread, and the template that runs
	// the work's statements on it
	private final LentConnections lent = new LentConnections();

	private final JdbcTemplate onLent;

	// per pool (the store's and the renewals'): the isolation its first connection came at
	private final Map<DataSource, Integer> lentAt = new ConcurrentHashMap<>();

	/**
	 * Transactions whose failures are translated as the store's other statements are.
	 * @param template the store's {@code JdbcTemplate}, whose exception translator (created on first use) they share
	 */
	OwnConnectionTransactions(JdbcTemplate template) {
		this.template = template;
		this.onLent = new JdbcTemplate(this.lent);
		// the key has no connections of its own to read the database's error codes from: the store's template
		// translates, its translator created on first use from the store's DataSource
		this.onLent.setExceptionTranslator((task, sql, ex) -> template.getExceptionTranslator().translate(task, sql,
				ex));
	}

	/**
	 * Runs work on a connection of its own from the given database, in a transaction of its own.
	 * @param source where the connection comes from
	 * @param dialect the database's: when the driver turns auto-commit on and off without a round trip while no
	 * transaction is open ({@link SqlDialect#switchesAutoCommitLocally()}), the work runs auto-committed on a
	 * connection lent in manual-commit mode, which spares the commit's round trip, and the connection goes back in
	 * manual-commit mode (only for work whose statements may each commit on its own, as all of the store's do); it
	 * also says which isolations the work must not run at
	 * @param work the statements, on a {@code JdbcTemplate} that runs them on that one connection
	 * @return what the work returned
	 */
	<T> T run(DataSource source, SqlDialect dialect, Function<JdbcTemplate, T> work) {
		Connection connection;
		try {
			connection = source.getConnection();
		}
		catch (SQLException ex) {
			throw new CannotGetJdbcConnectionException("Failed to obtain a JDBC connection", ex);
		}
		int restore = KEPT;
		// the store's work never runs another's on the same thread; should it ever, the inner work runs on a connection
		// of its own and the outer work's is bound again when it ends, rather than failing on the key already bound
		Object outer = TransactionSynchronizationManager.unbindResourceIfPossible(this.lent);
		TransactionSynchronizationManager.bindResource(this.lent, new ConnectionHolder(connection));
		try {
			restore = pinReadCommitted(source, connection, dialect);
			if (connection.getAutoCommit()) {
				return work.apply(this.onLent);
			}
			if (dialect.switchesAutoCommitLocally()) {
				connection.setAutoCommit(true);
				try {
					return work.apply(this.onLent);
				}
				finally {
					restoreManualCommit(connection);
				}
			}
			try {
				T result = work.apply(this.onLent);
				connection.commit();
				return result;
			}
			catch (RuntimeException | Error ex) {
				rollback(connection);
				throw ex;
			}
		}
		catch (SQLException ex) {
			DataAccessException translated = this.template.getExceptionTranslator().translate("commit", null, ex);
			throw (translated != null) ? translated : new UncategorizedSQLException("commit", null, ex);
		}
		finally {
			TransactionSynchronizationManager.unbindResource(this.lent);
			if (outer != null) {
				TransactionSynchronizationManager.bindResource(this.lent, outer);
			}
			if (restore != KEPT) {
				restoreIsolation(connection, restore);
			}
			DataSourceUtils.releaseConnection(connection, null);
		}
	}

	/**
	 * Switches a connection lent at an isolation the dialect cannot work at to READ COMMITTED, while no transaction is
	 * open on it. Whether a pool's connections need it is read once, from its first connection, as pools configure
	 * them all alike; only then does each connection's own isolation cost a read.
	 * @return the isolation it was lent at, to restore, or {@link #KEPT}
	 */
	private int pinReadCommitted(DataSource source, Connection connection, SqlDialect dialect) throws SQLException {
		Integer isolation = this.lentAt.get(source);
		if (isolation == null) {
			isolation = connection.getTransactionIsolation();
			this.lentAt.putIfAbsent(source, isolation);
		}
		if (!dialect.needsReadCommittedInsteadOf(isolation)) {
			return KEPT;
		}
		// restore this connection's own isolation, not the pool's first one: a pool that does not reset isolation
		// on return (unlike Hikari) may lend connections that an application switched, and the one it gets back
		// must be as it was lent
		int own = connection.getTransactionIsolation();
		if (!dialect.needsReadCommittedInsteadOf(own)) {
			return KEPT;
		}
		connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		return own;
	}

	// The work is over (committed or rolled back): a connection that cannot be switched back is broken, which the
	// pool finds out when it validates or resets it (Hikari restores its configured isolation itself).
	private static void restoreIsolation(Connection connection, int isolation) {
		try {
			connection.setTransactionIsolation(isolation);
		}
		catch (SQLException ex) {
			// see above
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

	/**
	 * The key of the connection lent to the work in progress, which {@link #run} binds to the thread. It lends no
	 * connection of its own: a statement that asked it for one would run outside the work's transaction.
	 */
	private static final class LentConnections extends AbstractDataSource {

		@Override
		public Connection getConnection() {
			throw new IllegalStateException("No connection of the idempotency store is lent to this thread");
		}

		@Override
		public Connection getConnection(String username, String password) {
			return getConnection();
		}

	}

}
