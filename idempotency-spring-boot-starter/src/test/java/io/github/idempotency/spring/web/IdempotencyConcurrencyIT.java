package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 64 clients send the same request with the same key at once.
 */
class IdempotencyConcurrencyIT extends AbstractWebIT {

	private static final int CLIENTS = 64;

	@Test
	void sameKeyFromManyClientsRunsOnceAndTheOthersGetAConflict() throws Exception {
		String key = newKey();
		CountDownLatch refused = new CountDownLatch(CLIENTS - 1);
		List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
		for (int i = 0; i < CLIENTS; i++) {
			CompletableFuture<HttpResponse<byte[]>> response = this.http.post("/slow").key(key).text("same").sendAsync();
			response.thenAccept((answer) -> refused.countDown());
			responses.add(response);
		}
		assertThat(this.gate.awaitEntered()).isTrue();
		// every duplicate is answered while the first still runs
		assertThat(refused.await(20, TimeUnit.SECONDS)).isTrue();
		this.gate.open();

		List<HttpResponse<byte[]>> answers = join(responses);
		List<HttpResponse<byte[]>> executed = answers.stream()
			.filter((answer) -> answer.statusCode() == 200)
			.filter((answer) -> answer.headers().firstValue("Idempotent-Replayed").isEmpty())
			.toList();
		assertThat(executed).hasSize(1);
		for (HttpResponse<byte[]> answer : answers) {
			if (answer == executed.get(0)) {
				continue;
			}
			if (answer.statusCode() == 409) {
				assertProblem(answer, 409, IdempotencyProblem.REQUEST_IN_PROGRESS);
				assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
			}
			else {
				assertThat(answer.headers().firstValue("Idempotent-Replayed")).hasValue("true");
				assertThat(answer.body()).isEqualTo(executed.get(0).body());
			}
		}
		assertThat(this.invocations.count("slow")).isEqualTo(1);
	}

	@Test
	void sameKeyFromManyClientsWaitingForTheFirstAllGetItsResponse() throws Exception {
		String key = newKey();
		List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
		for (int i = 0; i < CLIENTS; i++) {
			responses.add(this.http.post("/slow-wait").key(key).text("same").sendAsync());
		}
		assertThat(this.gate.awaitEntered()).isTrue();
		// every duplicate has claimed once and now waits on the shared watch
		await().atMost(Duration.ofSeconds(20)).until(() -> this.claims.claims() >= CLIENTS);
		this.gate.open();

		List<HttpResponse<byte[]>> answers = join(responses);
		List<HttpResponse<byte[]>> executed = answers.stream()
			.filter((answer) -> answer.headers().firstValue("Idempotent-Replayed").isEmpty())
			.toList();
		assertThat(executed).hasSize(1);
		assertThat(executed.get(0).statusCode()).isEqualTo(200);
		assertThat(answers).allSatisfy((answer) -> {
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(answer.body()).isEqualTo(executed.get(0).body());
		});
		assertThat(this.invocations.count("slow-wait")).isEqualTo(1);
	}

	private static List<HttpResponse<byte[]>> join(List<CompletableFuture<HttpResponse<byte[]>>> responses)
			throws Exception {
		List<HttpResponse<byte[]>> answers = new ArrayList<>();
		for (CompletableFuture<HttpResponse<byte[]>> response : responses) {
			answers.add(response.get(30, TimeUnit.SECONDS));
		}
		return answers;
	}

}
