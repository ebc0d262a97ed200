package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's other choice for anonymous callers of a body-hash endpoint scoped by principal: they run without
 * protection, never sharing a record, while authenticated callers are still protected.
 */
@TestPropertySource(properties = "idempotency.anonymous-body-hash=run-unprotected")
class AnonymousBodyHashUnprotectedIT extends AbstractWebIT {

	@Test
	void anonymousTwinsBothRunUnprotected() {
		String body = newKey();
		HttpResponse<byte[]> guestA = this.http.post("/hashed").text(body).send();
		HttpResponse<byte[]> guestB = this.http.post("/hashed").text(body).send();

		assertThat(guestA.statusCode()).isEqualTo(200);
		assertThat(guestB.statusCode()).isEqualTo(200);
		assertThat(guestB.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(guestB.body()).isNotEqualTo(guestA.body());
		assertThat(this.invocations.count("hashed")).isEqualTo(2);
	}

	@Test
	void authenticatedTwinsAreStillProtected() {
		String body = newKey();
		this.http.post("/hashed").user("alice", "alice-secret").text(body).send();
		HttpResponse<byte[]> retry = this.http.post("/hashed").user("alice", "alice-secret").text(body).send();

		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("hashed")).isEqualTo(1);
	}

}
