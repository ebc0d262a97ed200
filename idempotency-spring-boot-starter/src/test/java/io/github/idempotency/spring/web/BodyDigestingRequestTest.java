package io.github.idempotency.spring.web;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

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

	private static BodyDigestingRequest request(byte[] body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/payments");
		request.setContent(body);
		return new BodyDigestingRequest(request);
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

}
