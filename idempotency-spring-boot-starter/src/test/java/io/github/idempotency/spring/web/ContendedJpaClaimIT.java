package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;
import java.util.UUID;

import io.github.idempotency.spring.jpa.JpaIdempotencySchemaInitializer;
import io.github.idempotency.spring.jpa.JpaIdempotencyStore;
import io.github.idempotency.spring.jpa.LostRaceInjector;
import io.github.idempotency.spring.web.WebTestApplication.Invocations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JPA store on H2 whose claim loses every one of its attempts to serialization failures: over HTTP the request is
 * answered {@code 409} with {@code Retry-After}, and the method does not run even with
 * {@code store-failure: fail-open}, where a store failure would run it unprotected.
 */
@SpringBootTest(classes = { WebTestApplication.class, ContendedJpaClaimIT.ContendedJpaStore.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store-failure=fail-open", "spring.main.banner-mode=off" })
class ContendedJpaClaimIT {

	private static final String TABLE = "idem_contended_web";

	// not a bean: a DataSource in the context would bring the JPA store's own configuration along
	private static final EmbeddedDatabase database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2)
		.generateUniqueName(true)
		.build();

	@LocalServerPort
	int port;

	@Autowired
	LostRaceInjector lostRaces;

	@Autowired
	Invocations invocations;

	@AfterAll
	static void shutDown() {
		database.shutdown();
	}

	@Test
	void claimThatLosesEveryRaceIsAnswered409AndRunsNothingEvenFailingOpen() {
		TestHttp http = new TestHttp(this.port);
		this.invocations.reset();
		String key = "contended-" + UUID.randomUUID();
		this.lostRaces.failNext(16, "40001", LostRaceInjector.claimStatement(database, TABLE));

		HttpResponse<byte[]> contended = http.post("/counter").key(key).send();

		AbstractWebIT.assertProblem(contended, 409, IdempotencyProblem.REQUEST_IN_PROGRESS);
		assertThat(contended.headers().firstValue("Retry-After")).isPresent();
		assertThat(this.invocations.count("counter")).isZero();
		assertThat(this.lostRaces.injected()).isEqualTo(16);

		// the client's retry, once the contention is over, runs the method once; the next one is replayed
		HttpResponse<byte[]> retry = http.post("/counter").key(key).send();
		assertThat(retry.statusCode()).isEqualTo(200);
		HttpResponse<byte[]> replay = http.post("/counter").key(key).send();
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("counter")).isOne();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ContendedJpaStore {

		@Bean
		LostRaceInjector lostRaces() {
			new JpaIdempotencySchemaInitializer(database, TABLE, DatabaseInitializationMode.ALWAYS).initializeDatabase();
			return new LostRaceInjector(database);
		}

		@Bean
		@Primary
		JpaIdempotencyStore contendedStore(LostRaceInjector lostRaces) {
			return new JpaIdempotencyStore(lostRaces.dataSource(), TABLE);
		}

	}

}
