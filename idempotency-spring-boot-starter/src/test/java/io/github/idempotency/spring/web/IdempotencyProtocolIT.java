package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.core.StoredResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per row of the HTTP protocol, on a real server with a real client.
 */
class IdempotencyProtocolIT extends AbstractWebIT {

	private static final String PAYMENT = "{\"amount\":1250,\"currency\":\"EUR\"}";

	@Test
	void firstRequestRunsAndRetryReplaysTheExactResponse() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/payments").key(key).json(PAYMENT).send();
		HttpResponse<byte[]> retry = this.http.post("/payments").key(key).json(PAYMENT).send();

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(first.headers().firstValue("Set-Cookie")).isPresent();
		assertThat(first.headers().firstValue("Content-Length")).hasValue(Integer.toString(first.body().length));
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
		assertThat(retry.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
		assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
		assertThat(retry.headers().firstValue("Content-Length")).hasValue(Integer.toString(first.body().length));
		assertThat(retry.headers().firstValue("Set-Cookie")).isEmpty();
		assertThat(retry.headers().firstValue("X-Request-Trace")).isEmpty();
		assertThat(this.invocations.count("payments")).isEqualTo(1);
	}

	@Test
	void quotedStructuredFieldKeyIsTheSameKeyAsTheBareToken() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/payments").key("\"" + key + "\"").json(PAYMENT).send();
		HttpResponse<byte[]> retry = this.http.post("/payments").key(key).json(PAYMENT).send();

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(this.invocations.count("payments")).isEqualTo(1);
	}

	@Test
	void missingKeyIsRefusedWith400() {
		HttpResponse<byte[]> response = this.http.post("/payments").json(PAYMENT).send();

		assertProblem(response, 400, IdempotencyProblem.MISSING_KEY);
		assertThat(TestHttp.text(response)).contains("Idempotency-Key");
		assertThat(this.invocations.count("payments")).isZero();
	}

	@Test
	void invalidKeysAreRefusedWith400() {
		assertProblem(this.http.post("/payments").key("k".repeat(256)).json(PAYMENT).send(), 400,
				IdempotencyProblem.INVALID_KEY);
		assertProblem(this.http.post("/payments").key("\"\"").json(PAYMENT).send(), 400,
				IdempotencyProblem.INVALID_KEY);
		assertProblem(this.http.post("/payments").key("\"unterminated").json(PAYMENT).send(), 400,
				IdempotencyProblem.INVALID_KEY);
		assertThat(this.invocations.count("payments")).isZero();
	}

	@Test
	void foldedOrRepeatedKeyHeaderIsRefusedWith400() {
		assertProblem(this.http.post("/payments").key("a, b").json(PAYMENT).send(), 400,
				IdempotencyProblem.INVALID_KEY);
		assertProblem(this.http.post("/payments").key(newKey()).key(newKey()).json(PAYMENT).send(), 400,
				IdempotencyProblem.INVALID_KEY);
		assertThat(this.invocations.count("payments")).isZero();
	}

	@Test
	void keyExpressionThatFailsOrYieldsNothingIsRefusedWith400() {
		// #transition.from.trim() throws on a null 'from'; a blank 'from' and 'to' make a blank key
		assertProblem(this.http.post("/transitions-by-state").json("{\"to\":\"PAID\"}").send(), 400,
				IdempotencyProblem.INVALID_KEY);
		assertProblem(this.http.post("/transitions-by-state").json("{\"from\":\"\",\"to\":\" \"}").send(), 400,
				IdempotencyProblem.INVALID_KEY);
		assertThat(this.invocations.count("transitions-by-state")).isZero();
	}

	@Test
	void reorderedJsonTwinWithOtherWhitespaceReplays() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/payments")
			.key(key)
			.json("{\"amount\":1250,\"currency\":\"EUR\"}")
			.send();
		HttpResponse<byte[]> twin = this.http.post("/payments")
			.key(key)
			.json("{ \"currency\" : \"EUR\",\n  \"amount\" : 1250 }")
			.send();

		assertThat(twin.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(twin.body()).isEqualTo(first.body());
		assertThat(this.invocations.count("payments")).isEqualTo(1);
	}

	@Test
	void endpointFingerprintedByBytesTellsAReorderedTwinApart() {
		String key = newKey();
		this.http.post("/payments-by-bytes").key(key).json("{\"amount\":1250,\"currency\":\"EUR\"}").send();
		HttpResponse<byte[]> twin = this.http.post("/payments-by-bytes")
			.key(key)
			.json("{\"currency\":\"EUR\",\"amount\":1250}")
			.send();

		assertProblem(twin, 422, IdempotencyProblem.KEY_MISMATCH);
		assertThat(this.invocations.count("payments-by-bytes")).isEqualTo(1);
	}

	@Test
	void anonymousCallersNeverShareABodyHashRecord() {
		String body = newKey();
		HttpResponse<byte[]> guestA = this.http.post("/hashed").text(body).send();
		HttpResponse<byte[]> guestB = this.http.post("/hashed").text(body).send();

		assertProblem(guestA, 400, IdempotencyProblem.ANONYMOUS_BODY_HASH);
		assertProblem(guestB, 400, IdempotencyProblem.ANONYMOUS_BODY_HASH);
		assertThat(this.invocations.count("hashed")).isZero();
	}

	@Test
	void sameKeyWithADifferentBodyIsRefusedWith422() {
		String key = newKey();
		this.http.post("/payments").key(key).json(PAYMENT).send();
		HttpResponse<byte[]> other = this.http.post("/payments")
			.key(key)
			.json("{\"amount\":9999,\"currency\":\"EUR\"}")
			.send();

		assertProblem(other, 422, IdempotencyProblem.KEY_MISMATCH);
		assertThat(this.invocations.count("payments")).isEqualTo(1);
	}

	@Test
	void duplicateWhileTheFirstRunsGets409WithRetryAfterAndADifferentBodyGets422() throws Exception {
		String key = newKey();
		CompletableFuture<HttpResponse<byte[]>> first = this.http.post("/slow").key(key).text("one").sendAsync();
		assertThat(this.gate.awaitEntered()).isTrue();

		HttpResponse<byte[]> duplicate = this.http.post("/slow").key(key).text("one").send();
		HttpResponse<byte[]> different = this.http.post("/slow").key(key).text("two").send();
		this.gate.open();
		HttpResponse<byte[]> finished = first.get(10, TimeUnit.SECONDS);
		HttpResponse<byte[]> retry = this.http.post("/slow").key(key).text("one").send();

		assertProblem(duplicate, 409, IdempotencyProblem.REQUEST_IN_PROGRESS);
		assertThat(duplicate.headers().firstValue("Retry-After")).hasValue("1");
		assertProblem(different, 422, IdempotencyProblem.KEY_MISMATCH);
		assertThat(finished.statusCode()).isEqualTo(200);
		assertThat(retry.body()).isEqualTo(finished.body());
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("slow")).isEqualTo(1);
	}

	@Test
	void waitingDuplicateGets409OnceTheEndpointsWaitTimeoutPassed() throws Exception {
		String key = newKey();
		CompletableFuture<HttpResponse<byte[]>> first = this.http.post("/slow-wait-briefly").key(key).text("x")
			.sendAsync();
		assertThat(this.gate.awaitEntered()).isTrue();

		long start = System.nanoTime();
		HttpResponse<byte[]> duplicate = this.http.post("/slow-wait-briefly").key(key).text("x").send();
		long waitedMillis = (System.nanoTime() - start) / 1_000_000;
		this.gate.open();

		assertProblem(duplicate, 409, IdempotencyProblem.REQUEST_IN_PROGRESS);
		assertThat(duplicate.headers().firstValue("Retry-After")).isPresent();
		assertThat(waitedMillis).isGreaterThanOrEqualTo(200);
		assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(this.invocations.count("slow-wait-briefly")).isEqualTo(1);
	}

	@Test
	void leaseIsRenewedWhileTheMethodRunsSoASlowExecutionIsNotTakenOver() throws Exception {
		String key = newKey();
		CompletableFuture<HttpResponse<byte[]>> first = this.http.post("/slow-short-lease").key(key).text("x")
			.sendAsync();
		assertThat(this.gate.awaitEntered()).isTrue();
		int renewalsBefore = this.claims.renewals();
		// four renewals (every lease/3) mean the original 1.5 s lease has run out; the lease is long enough that a
		// loaded machine's scheduling delays do not make a renewal late, and the wait is long enough for its slowness
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(60))
			.until(() -> this.claims.renewals() >= renewalsBefore + 4);

		HttpResponse<byte[]> duplicate = this.http.post("/slow-short-lease").key(key).text("x").send();
		this.gate.open();

		assertProblem(duplicate, 409, IdempotencyProblem.REQUEST_IN_PROGRESS);
		assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		assertThat(this.invocations.count("slow-short-lease")).isEqualTo(1);
	}

	@Test
	void clientErrorWrittenByAnExceptionHandlerIsStoredAndReplayed() {
		String key = newKey();
		String body = "{\"amount\":-1,\"currency\":\"EUR\",\"outcome\":\"invalid\"}";
		HttpResponse<byte[]> first = this.http.post("/payments").key(key).json(body).send();
		HttpResponse<byte[]> retry = this.http.post("/payments").key(key).json(body).send();

		assertThat(first.statusCode()).isEqualTo(400);
		assertThat(first.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(TestHttp.text(first)).contains("amount must be positive");
		assertThat(retry.statusCode()).isEqualTo(400);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("payments")).isEqualTo(1);
	}

	@Test
	void clientErrorSentThroughSendErrorIsStoredAndReplayed() {
		String key = newKey();
		String body = "{\"amount\":5,\"currency\":\"EUR\",\"outcome\":\"declined\"}";
		HttpResponse<byte[]> first = this.http.post("/payments").key(key).json(body).send();
		HttpResponse<byte[]> retry = this.http.post("/payments").key(key).json(body).send();

		assertThat(first.statusCode()).isEqualTo(402);
		assertThat(retry.statusCode()).isEqualTo(402);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("payments")).isEqualTo(1);
	}

	@Test
	void retryableClientErrorReleasesTheKey() {
		String key = newKey();
		String body = "{\"amount\":5,\"currency\":\"EUR\",\"outcome\":\"rate-limited\"}";
		HttpResponse<byte[]> first = this.http.post("/payments").key(key).json(body).send();
		HttpResponse<byte[]> retry = this.http.post("/payments").key(key).json(body).send();

		assertThat(first.statusCode()).isEqualTo(429);
		assertThat(retry.statusCode()).isEqualTo(429);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(this.invocations.count("payments")).isEqualTo(2);
	}

	@Test
	void serverErrorReleasesTheKeySoARetryRunsAgain() {
		String key = newKey();
		String body = "{\"amount\":5,\"currency\":\"EUR\",\"outcome\":\"crash\"}";
		HttpResponse<byte[]> first = this.http.post("/payments").key(key).json(body).send();
		HttpResponse<byte[]> retry = this.http.post("/payments").key(key).json(body).send();

		assertThat(first.statusCode()).isEqualTo(500);
		assertThat(retry.statusCode()).isEqualTo(500);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(this.invocations.count("payments")).isEqualTo(2);
	}

	@Test
	void serverErrorMarkedAsRetainedIsStoredAndReplayed() {
		String key = newKey();
		String body = "{\"amount\":5,\"currency\":\"EUR\",\"outcome\":\"crash-after-charge\"}";
		HttpResponse<byte[]> first = this.http.post("/payments").key(key).json(body).send();
		HttpResponse<byte[]> retry = this.http.post("/payments").key(key).json(body).send();

		assertThat(first.statusCode()).isEqualTo(500);
		assertThat(retry.statusCode()).isEqualTo(500);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("payments")).isEqualTo(1);
	}

	@Test
	void unreachableStoreFailsClosedWith503AndRetryAfter() {
		this.store.failing(true);
		HttpResponse<byte[]> response = this.http.post("/payments").key(newKey()).json(PAYMENT).send();

		assertProblem(response, 503, IdempotencyProblem.STORE_UNAVAILABLE);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(this.invocations.count("payments")).isZero();
	}

	@Test
	void sameKeyForAnotherResourceIsAMismatchNotAReplay() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/accounts/1/deposits?amount=100").key(key).send();
		HttpResponse<byte[]> otherAccount = this.http.post("/accounts/2/deposits?amount=100").key(key).send();
		HttpResponse<byte[]> otherQuery = this.http.post("/accounts/1/deposits?amount=999").key(key).send();
		HttpResponse<byte[]> retry = this.http.post("/accounts/1/deposits?amount=100").key(key).send();

		assertThat(first.statusCode()).isEqualTo(200);
		assertProblem(otherAccount, 422, IdempotencyProblem.KEY_MISMATCH);
		assertProblem(otherQuery, 422, IdempotencyProblem.KEY_MISMATCH);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("deposits")).isEqualTo(1);
	}

	@Test
	void bodyHashKeysOfIdenticalBodiesForDifferentResourcesAreIndependent() {
		HttpResponse<byte[]> first = this.http.post("/accounts/1/statements")
			.user("alice", "alice-secret")
			.text("march")
			.send();
		HttpResponse<byte[]> other = this.http.post("/accounts/2/statements")
			.user("alice", "alice-secret")
			.text("march")
			.send();
		HttpResponse<byte[]> retry = this.http.post("/accounts/1/statements")
			.user("alice", "alice-secret")
			.text("march")
			.send();

		assertThat(TestHttp.text(first)).startsWith("1:march:");
		assertThat(TestHttp.text(other)).startsWith("2:march:");
		assertThat(other.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("statements")).isEqualTo(2);
	}

	@Test
	void multipartUploadsAreFingerprintedByTheirParts() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/uploads").key(key).multipartFile("file", "a.txt", "FIRST").send();
		HttpResponse<byte[]> other = this.http.post("/uploads").key(key).multipartFile("file", "a.txt", "OTHER").send();
		HttpResponse<byte[]> retry = this.http.post("/uploads").key(key).multipartFile("file", "a.txt", "FIRST").send();

		assertThat(TestHttp.text(first)).startsWith("FIRST:");
		assertProblem(other, 422, IdempotencyProblem.KEY_MISMATCH);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("uploads")).isEqualTo(1);
	}

	@Test
	void unreadableRecordAnswers500WithoutRetryAfterAndNeverRuns() {
		this.store.corrupt(true);
		HttpResponse<byte[]> response = this.http.post("/payments").key(newKey()).json(PAYMENT).send();

		assertProblem(response, 500, IdempotencyProblem.RECORD_CORRUPT);
		assertThat(response.headers().firstValue("Retry-After")).isEmpty();
		assertThat(this.invocations.count("payments")).isZero();
	}

	@Test
	void oversizedResponseIsSentInFullButReplayedAsNotRetained() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/large").key(key).text("4096").send();
		HttpResponse<byte[]> retry = this.http.post("/large").key(key).text("4096").send();

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(first.body()).hasSize(4096);
		assertProblem(retry, 201, IdempotencyProblem.RESPONSE_NOT_RETAINED);
		assertThat(retry.headers().firstValue("Location")).hasValue("/large/1");
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(TestHttp.text(retry)).contains("too large to keep");
		assertThat(retry.headers().map()).doesNotContainKey(StoredResponse.NOT_RETAINED_REASON_HEADER);
		assertThat(this.invocations.count("large")).isEqualTo(1);
	}

	@Test
	void responseWithinTheLimitIsReplayedInFull() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/large").key(key).text("1000").send();
		HttpResponse<byte[]> retry = this.http.post("/large").key(key).text("1000").send();

		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.body()).isEqualTo(first.body()).hasSize(1000);
		assertThat(this.invocations.count("large")).isEqualTo(1);
	}

	@Test
	void keyFromASpelExpressionIsSharedByAllCallersWithGlobalScope() {
		String order = newKey();
		String paid = "{\"from\":\"CREATED\",\"to\":\"PAID\"}";
		HttpResponse<byte[]> alice = this.http.post("/orders/" + order + "/transitions")
			.user("alice", "alice-secret")
			.json(paid)
			.send();
		HttpResponse<byte[]> bob = this.http.post("/orders/" + order + "/transitions")
			.user("bob", "bob-secret")
			.json(paid)
			.send();
		HttpResponse<byte[]> cancel = this.http.post("/orders/" + order + "/transitions")
			.json("{\"from\":\"PAID\",\"to\":\"CANCELLED\"}")
			.send();

		assertThat(alice.statusCode()).isEqualTo(200);
		assertThat(bob.body()).isEqualTo(alice.body());
		assertThat(bob.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(cancel.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(this.invocations.count("transition")).isEqualTo(2);
	}

	@Test
	void keyFromTheBodyHashReplaysIdenticalBodies() {
		String body = newKey();
		HttpResponse<byte[]> first = this.http.post("/hashed").user("alice", "alice-secret").text(body).send();
		HttpResponse<byte[]> same = this.http.post("/hashed").user("alice", "alice-secret").text(body).send();
		HttpResponse<byte[]> other = this.http.post("/hashed").user("alice", "alice-secret").text(body + "!").send();

		assertThat(same.body()).isEqualTo(first.body());
		assertThat(same.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(other.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(this.invocations.count("hashed")).isEqualTo(2);
	}

	@Test
	void optionalKeyRunsUnprotectedWithoutOne() {
		this.http.post("/optional").send();
		this.http.post("/optional").send();
		String key = newKey();
		this.http.post("/optional").key(key).send();
		HttpResponse<byte[]> retry = this.http.post("/optional").key(key).send();

		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("optional")).isEqualTo(3);
	}

	@Test
	void voidHandlerReplaysItsStatusWithAnEmptyBody() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/void").key(key).text("x").send();
		HttpResponse<byte[]> retry = this.http.post("/void").key(key).text("x").send();

		assertThat(first.statusCode()).isEqualTo(202);
		assertThat(retry.statusCode()).isEqualTo(202);
		assertThat(retry.body()).isEmpty();
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.invocations.count("void")).isEqualTo(1);
	}

	@Test
	void primitiveReturnValueIsReplayedNotRecomputed() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/counter").key(key).send();
		HttpResponse<byte[]> retry = this.http.post("/counter").key(key).send();

		assertThat(TestHttp.text(first)).isEqualTo("1");
		assertThat(TestHttp.text(retry)).isEqualTo("1");
		assertThat(this.invocations.count("counter")).isEqualTo(1);
	}

	@Test
	void characterEncodingOfTheFirstResponseIsKept() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.post("/text").key(key).send();
		HttpResponse<byte[]> retry = this.http.post("/text").key(key).send();

		assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type.toLowerCase()).contains("iso-8859-1"));
		assertThat(first.body()[3]).isEqualTo((byte) 0xE9);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
	}

	@Test
	void twoEndpointsNeverShareARecord() {
		String key = newKey();
		this.http.post("/void").key(key).text("x").send();
		HttpResponse<byte[]> other = this.http.post("/counter").key(key).send();

		assertThat(other.statusCode()).isEqualTo(200);
		assertThat(other.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(this.invocations.count("void")).isEqualTo(1);
		assertThat(this.invocations.count("counter")).isEqualTo(1);
	}

	@Test
	void runningMethodReadsItsDownstreamKey() {
		String key = newKey();
		String first = TestHttp.text(this.http.post("/payments").key(key).json(PAYMENT).send());

		assertThat(first).containsPattern("\"downstreamKey\":\"[0-9a-f]{64}\"");
	}

}
