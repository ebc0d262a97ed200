package io.github.idempotency.spring.jpa;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.jdbc.DataSourceBuilder;

/**
 * A small connection pool of the JPA store's own, derived from the application's pooled {@code DataSource} (same
 * URL, user and pool type), through which the store renews leases. Renewals then never wait for a connection of the
 * application's pool, which slow requests may hold entirely (with {@code idempotency.jpa.join-transaction} each
 * running request holds one for its whole transaction). It opens connections only when renewals need them (no
 * minimum idle) and is closed with the application context.
 */
public final class RenewalConnectionPool implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(RenewalConnectionPool.class.getName());

	private final DataSource dataSource;

	private RenewalConnectionPool(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	/**
	 * Derives a pool of {@code size} connections from the application's {@code DataSource}.
	 * @param application the application's {@code DataSource}
	 * @param size the most connections the pool opens
	 * @return the pool, or {@code null} when {@code application} opens a new connection per call (nothing to starve)
	 * or cannot be derived from (a warning then says what to size)
	 */
	public static @Nullable RenewalConnectionPool derivedFrom(DataSource application, int size) {
		BeanWrapper source = new BeanWrapperImpl(application);
		if (!isPool(source)) {
			return null;
		}
		DataSource derived;
		try {
			derived = DataSourceBuilder.derivedFrom(application).build();
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "The JPA idempotency store cannot derive a connection pool of its own from "
					+ application.getClass().getName() + " (" + ex.getMessage() + "): lease renewals share the "
					+ "application's pool. Size it above the number of requests that may run at once (see "
					+ "docs/jpa.md), or set idempotency.jpa.renewal-pool-size=0 to silence this warning");
			return null;
		}
		BeanWrapper pool = new BeanWrapperImpl(derived);
		setIfWritable(pool, "poolName", "idempotency-renewal");
		setIfWritable(pool, "maximumPoolSize", size);
		setIfWritable(pool, "minimumIdle", 0);
		setIfWritable(pool, "maxTotal", size);
		setIfWritable(pool, "maxActive", size);
		setIfWritable(pool, "minIdle", 0);
		setIfWritable(pool, "initialSize", 0);
		warmUp(derived);
		return new RenewalConnectionPool(derived);
	}

	/**
	 * Starts the pool now rather than in the first renewal, whose timeout (a quarter of the lease) the start could
	 * exceed. A database that is not reachable yet is not an error here: renewals start the pool later.
	 */
	private static void warmUp(DataSource pool) {
		try (Connection connection = pool.getConnection()) {
			connection.isValid(1);
		}
		catch (SQLException | RuntimeException ex) {
			logger.log(Level.DEBUG, "Could not open a renewal connection at start-up; renewals open them later", ex);
		}
	}

	/** {@return the pool's {@code DataSource}} */
	public DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	public void close() throws Exception {
		if (this.dataSource instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	private static boolean isPool(BeanWrapper source) {
		// Hikari, Commons DBCP 2, Tomcat JDBC, Oracle UCP: a pool bounds its connections
		return source.isReadableProperty("maximumPoolSize") || source.isReadableProperty("maxTotal")
				|| source.isReadableProperty("maxActive") || source.isReadableProperty("maxPoolSize");
	}

	private static void setIfWritable(BeanWrapper pool, String property, Object value) {
		if (pool.isWritableProperty(property)) {
			pool.setPropertyValue(property, value);
		}
	}

}
