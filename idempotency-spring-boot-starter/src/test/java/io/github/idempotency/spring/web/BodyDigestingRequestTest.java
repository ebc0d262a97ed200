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
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

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

	@Test
	void bytesDigestOfAJsonBodyIsTheBytesDomainHashWhateverItsSizeAndHowItWasRead() throws Exception {
		// below and past the part of the body held rather than hashed as it is read
		for (int size : new int[] { 20, CanonicalJsonDigest.MAX_HELD_BYTES - 1, CanonicalJsonDigest.MAX_HELD_BYTES,
				CanonicalJsonDigest.MAX_HELD_BYTES + 1, 3 * CanonicalJsonDigest.MAX_HELD_BYTES + 7 }) {
			String body = "[\"" + "x".repeat(size - 4) + "\"]";
			BodyDigestingRequest request = jsonRequest("application/json", body);
			InputStream stream = request.getInputStream();
			byte[] chunk = new byte[777];
			while (stream.read(chunk, 0, chunk.length) != -1) {
				// read in pieces, as a message converter does
			}

			String canonical = request.bodyDigest(BodyFingerprint.CANONICAL);
			String bytes = request.bodyDigest(BodyFingerprint.BYTES);

			byte[] domain = ("B" + body).getBytes(StandardCharsets.UTF_8);
			assertThat(bytes).as("%d bytes", size).isEqualTo(sha256(domain)).isEqualTo(request.bodyDigest());
			assertThat(canonical).as("%d bytes", size).isEqualTo(CanonicalJsonDigest.hex(utf8(body)))
				.isNotEqualTo(bytes);
			request.release();
		}
	}

	@Test
	void releasedDigestIsReusedByTheNextRequestOnTheThreadWithoutCarryingItsBytes() throws Exception {
		BodyDigestingRequest first = jsonRequest("application/json", "{\"amount\":1250}");
		first.getInputStream().readAllBytes();
		// answered without a fingerprint, as an unprotected endpoint's request is
		first.release();

		BodyDigestingRequest second = jsonRequest("application/json", "{\"amount\":99}");
		second.getInputStream().readAllBytes();

		assertThat(second.bodyDigest(BodyFingerprint.BYTES))
			.isEqualTo(sha256(utf8("B{\"amount\":99}")));
		assertThat(second.bodyDigest(BodyFingerprint.CANONICAL))
			.isEqualTo(CanonicalJsonDigest.hex(utf8("{\"amount\":99}")));
		assertThatIllegalStateException().isThrownBy(() -> first.bodyDigest(BodyFingerprint.CANONICAL));
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

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

}
