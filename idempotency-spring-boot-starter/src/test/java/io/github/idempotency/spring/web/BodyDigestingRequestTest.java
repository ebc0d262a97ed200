package io.github.idempotency.spring.web;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import jakarta.servlet.ServletInputStream;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class BodyDigestingRequestTest {

	@Test
	void hashesWhatTheApplicationReadWithoutChangingIt() throws Exception {
		BodyDigestingRequest request = request("{\"amount\":1250}".getBytes(StandardCharsets.UTF_8));

		byte[] read = request.getInputStream().readAllBytes();

		assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo("{\"amount\":1250}");
		assertThat(request.bodyDigest()).isEqualTo(sha256("{\"amount\":1250}".getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void bodyReadToItsEndLeavesNothingToReadAfterTheDigest() throws Exception {
		BodyDigestingRequest request = request("{\"amount\":1250}".getBytes(StandardCharsets.UTF_8));
		ServletInputStream stream = request.getInputStream();
		stream.readAllBytes();

		assertThat(request.bodyDigest()).isEqualTo(sha256("{\"amount\":1250}".getBytes(StandardCharsets.UTF_8)));
		assertThat(stream.read()).isEqualTo(-1);
		assertThat(stream.read(new byte[4], 0, 4)).isEqualTo(-1);
		assertThat(stream.isFinished()).isTrue();
	}

	@Test
	void unreadRemainderIsHashedAndStillReadableAfterwards() throws Exception {
		BodyDigestingRequest request = request("abcdef".getBytes(StandardCharsets.UTF_8));
		InputStream stream = request.getInputStream();
		assertThat(stream.read()).isEqualTo('a');

		String digest = request.bodyDigest();

		assertThat(digest).isEqualTo(sha256("abcdef".getBytes(StandardCharsets.UTF_8)));
		assertThat(new String(stream.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bcdef");
		assertThat(request.getReader().read()).isEqualTo(-1);
	}

	@Test
	void largeUnreadRemainderIsHashedButNotKept() throws Exception {
		byte[] body = new byte[BodyDigestingRequest.MAX_KEPT_REMAINDER + 10];
		BodyDigestingRequest request = request(body);

		assertThat(request.bodyDigest()).isEqualTo(sha256(body));
		assertThatIOException().isThrownBy(() -> request.getInputStream().read())
			.withMessageContaining("@RequestBody");
	}

	@Test
	void jsonBodiesGetACanonicalDigestThatReorderedTwinsShare() throws Exception {
		BodyDigestingRequest first = jsonRequest("application/json", "{\"amount\":1250,\"currency\":\"EUR\"}");
		BodyDigestingRequest twin = jsonRequest("application/problem+json; charset=UTF-8",
				"{ \"currency\": \"EUR\", \"amount\": 1250 }");
		first.getInputStream().readAllBytes();

		assertThat(twin.bodyDigest(BodyFingerprint.CANONICAL)).isEqualTo(first.bodyDigest(BodyFingerprint.CANONICAL));
		assertThat(twin.bodyDigest(BodyFingerprint.BYTES)).isNotEqualTo(first.bodyDigest(BodyFingerprint.BYTES));
		assertThat(first.bodyDigest(BodyFingerprint.CANONICAL)).isNotEqualTo(first.bodyDigest(BodyFingerprint.BYTES));
		assertThat(first.bodyDigest(BodyFingerprint.NONE)).isEmpty();
	}

	@Test
	void bodiesThatAreNotJsonAreDigestedByTheirBytesInEveryMode() throws Exception {
		MockHttpServletRequest plain = new MockHttpServletRequest("POST", "/payments");
		plain.setContentType("text/plain");
		plain.setContent("{\"b\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8));
		BodyDigestingRequest request = new BodyDigestingRequest(plain, true);

		assertThat(request.bodyDigest(BodyFingerprint.CANONICAL))
			.isEqualTo(sha256("{\"b\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(request.bodyDigest(BodyFingerprint.BYTES));
	}

	@Test
	void recognizesJsonContentTypes() {
		assertThat(BodyDigestingRequest.isJson("application/json")).isTrue();
		assertThat(BodyDigestingRequest.isJson("Application/JSON;charset=UTF-8")).isTrue();
		assertThat(BodyDigestingRequest.isJson("application/merge-patch+json")).isTrue();
		assertThat(BodyDigestingRequest.isJson("application/vnd.api+json ; ext=x")).isTrue();
		assertThat(BodyDigestingRequest.isJson("application/jsonx")).isFalse();
		assertThat(BodyDigestingRequest.isJson("text/json")).isFalse();
		assertThat(BodyDigestingRequest.isJson("application/+json")).isFalse();
		assertThat(BodyDigestingRequest.isJson("application/x-www-form-urlencoded")).isFalse();
		assertThat(BodyDigestingRequest.isJson(null)).isFalse();
	}

	private static BodyDigestingRequest jsonRequest(String contentType, String body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/payments");
		request.setContentType(contentType);
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		return new BodyDigestingRequest(request, true);
	}

	private static BodyDigestingRequest request(byte[] body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/payments");
		request.setContent(body);
		return new BodyDigestingRequest(request);
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

}
