package io.github.idempotency.spring.web;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same key sent by two principals (and by an anonymous caller) names three different records.
 */
class IdempotencyIsolationIT extends AbstractWebIT {

	@Test
	void twoPrincipalsWithTheSameKeyBothRunAndNeverSeeEachOthersResponse() {
		String key = newKey();
		String aliceBody = "{\"amount\":100,\"currency\":\"EUR\"}";
		String bobBody = "{\"amount\":200,\"currency\":\"USD\"}";
		HttpResponse<byte[]> alice = this.http.post("/payments").user("alice", "alice-secret").key(key).json(aliceBody)
			.send();
		HttpResponse<byte[]> bob = this.http.post("/payments").user("bob", "bob-secret").key(key).json(bobBody).send();
		HttpResponse<byte[]> aliceRetry = this.http.post("/payments")
			.user("alice", "alice-secret")
			.key(key)
			.json(aliceBody)
			.send();
		HttpResponse<byte[]> bobRetry = this.http.post("/payments").user("bob", "bob-secret").key(key).json(bobBody)
			.send();
		HttpResponse<byte[]> anonymous = this.http.post("/payments").key(key).json(aliceBody).send();

		assertThat(alice.statusCode()).isEqualTo(201);
		assertThat(bob.statusCode()).isEqualTo(201);
		assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(TestHttp.text(bob)).contains("\"USD\"").doesNotContain("\"EUR\"");
		assertThat(aliceRetry.body()).isEqualTo(alice.body());
		assertThat(bobRetry.body()).isEqualTo(bob.body());
		assertThat(anonymous.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(anonymous.body()).isNotEqualTo(alice.body());
		assertThat(this.invocations.count("payments")).isEqualTo(3);
	}

	@Test
	void downstreamKeysOfTwoPrincipalsDiffer() {
		String key = newKey();
		String body = "{\"amount\":100,\"currency\":\"EUR\"}";
		String alice = TestHttp.text(this.http.post("/payments").user("alice", "alice-secret").key(key).json(body).send());
		String bob = TestHttp.text(this.http.post("/payments").user("bob", "bob-secret").key(key).json(body).send());

		assertThat(downstreamKey(alice)).isNotEqualTo(downstreamKey(bob));
	}

	private static String downstreamKey(String json) {
		int start = json.indexOf("\"downstreamKey\":\"") + "\"downstreamKey\":\"".length();
		return json.substring(start, start + 64);
	}

}
