package io.github.idempotency.spring.jpa;

import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Racing claims on a private MariaDB server ({@link MariaDbTestServer}) at its default isolation, REPEATABLE READ,
 * and at SERIALIZABLE, where InnoDB turns the claim's read into a shared lock when the connection is in
 * manual-commit mode.
 */
class JpaClaimIsolationMariaDbIT extends AbstractJpaClaimIsolationTest {

	@Override
	protected HikariDataSource newDataSource(int maximumPoolSize, boolean autoCommit, @Nullable String isolation) {
		return MariaDbTestServer.get().newDataSource(maximumPoolSize, autoCommit, isolation);
	}

	@Override
	protected String expireSql() {
		return "UPDATE " + tableName() + " SET expires_at = TIMESTAMPADD(SECOND, -1, UTC_TIMESTAMP(6)) WHERE id = ?";
	}

	@Override
	protected Stream<Arguments> pools() {
		return Stream.of(Arguments.of("server default (REPEATABLE READ)", null, true),
				Arguments.of("server default (REPEATABLE READ)", null, false),
				Arguments.of("SERIALIZABLE", "TRANSACTION_SERIALIZABLE", true),
				Arguments.of("SERIALIZABLE", "TRANSACTION_SERIALIZABLE", false));
	}

}
