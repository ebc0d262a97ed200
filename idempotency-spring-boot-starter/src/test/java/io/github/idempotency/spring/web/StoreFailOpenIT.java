package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;

import io.github.idempotency.spring.web.WebTestApplication.Invocations;
import io.github.idempotency.spring.web.WebTestApplication.SwitchableStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code store-failure: fail-open}, an unreachable store lets requests run unprotected. The context is lazy, so
 * this also proves that controllers created on their first request are protected.
 */
@SpringBootTest(classes = WebTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store-failure=fail-open", "spring.main.lazy-initialization=true",
				"spring.main.banner-mode=off" })
class StoreFailOpenIT {

	@LocalServerPort
	int port;

	@Autowired
	SwitchableStore store;

	@Autowired
	Invocations invocations;

	@AfterEach
	void recover() {
		this.store.failing(false);
	}

	@Test
	void unreachableStoreRunsTheMethodUnprotected() {
		TestHttp http = new TestHttp(this.port);
		this.invocations.reset();
		this.store.failing(true);
		String key = "fail-open-key";
		HttpResponse<byte[]> first = http.post("/counter").key(key).send();
		HttpResponse<byte[]> second = http.post("/counter").key(key).send();

		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(second.statusCode()).isEqualTo(200);
		assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(this.invocations.count("counter")).isEqualTo(2);

		this.store.failing(false);
		http.post("/counter").key("after-recovery").send();
		HttpResponse<byte[]> replay = http.post("/counter").key("after-recovery").send();
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("counter")).isEqualTo(3);
	}

}
