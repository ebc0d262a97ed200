package io.github.idempotency.spring.jpa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import static org.assertj.core.api.Assertions.assertThat;

class JpaIdempotencySchemaInitializerTest {

	@Test
	void substitutesTheTableNameAndNamesConstraintsAfterIt() throws IOException {
		EmbeddedDatabase database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
			.generateUniqueName(true)
			.build();
		try {
			JpaIdempotencySchemaInitializer initializer = new JpaIdempotencySchemaInitializer(database,
					"billing.requests", DatabaseInitializationMode.NEVER);
			String script = new ClassPathResource("io/github/idempotency/spring/jpa/schema-postgresql.sql")
				.getContentAsString(StandardCharsets.UTF_8);
			String substituted = initializer.substitute(script);
			assertThat(substituted).contains("CREATE TABLE IF NOT EXISTS billing.requests (")
				.contains("CONSTRAINT requests_pk PRIMARY KEY (id)")
				.contains("CREATE INDEX IF NOT EXISTS requests_purge_after_idx ON billing.requests (purge_after)")
				.contains("to_regclass(''billing.requests'')")
				.contains("c.relname = lower(''requests_purge_after_idx'')")
				.doesNotContain("idempotency_record");
		}
		finally {
			database.shutdown();
		}
	}

	@Test
	void scriptsRunTwiceWithoutError() {
		EmbeddedDatabase database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
			.generateUniqueName(true)
			.build();
		try {
			for (int run = 0; run < 2; run++) {
				assertThat(new JpaIdempotencySchemaInitializer(database, "records", DatabaseInitializationMode.ALWAYS)
					.initializeDatabase()).isTrue();
			}
		}
		finally {
			database.shutdown();
		}
	}

	@Test
	void everyDatabaseHasAScript() {
		for (String platform : new String[] { "postgresql", "h2", "mysql", "mariadb" }) {
			assertThat(new ClassPathResource("io/github/idempotency/spring/jpa/schema-" + platform + ".sql").exists())
				.as(platform)
				.isTrue();
		}
	}

}
