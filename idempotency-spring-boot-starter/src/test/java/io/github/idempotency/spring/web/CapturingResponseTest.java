package io.github.idempotency.spring.web;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class CapturingResponseTest {

	private static final byte[] BODY = "{\"id\":\"8e2afe3a\",\"status\":\"CONFIRMED\"}".getBytes(StandardCharsets.UTF_8);

	@Test
	void bodyOfItsDeclaredLengthIsKeptAndSentWithItsLength() throws Exception {
		MockHttpServletResponse client = new MockHttpServletResponse();
		CapturingResponse capturing = capturing(client, 1024);
		capturing.setContentLength(BODY.length);

		capturing.getOutputStream().write(BODY, 0, 10);
		capturing.getOutputStream().write(BODY, 10, BODY.length - 10);

		assertThat(client.getContentLength()).as("nothing reaches the client while capturing").isZero();
		assertThat(capturing.capturedBody()).isEqualTo(BODY);
		capturing.sendCaptured();
		assertThat(client.getContentAsByteArray()).isEqualTo(BODY);
		assertThat(client.getContentLength()).isEqualTo(BODY.length);
	}

	@Test
	void lengthDeclaredAsAHeaderIsKeptOutOfTheResponseUntilTheBodyIsSent() throws Exception {
		for (String declared : new String[] { String.valueOf(BODY.length), "7", "", "x1", "99999999999999999999" }) {
			MockHttpServletResponse client = new MockHttpServletResponse();
			CapturingResponse capturing = capturing(client, 1024);
			capturing.setHeader("Content-Length", declared);
			capturing.addHeader("content-length", declared);

			capturing.getOutputStream().write(BODY);

			assertThat(client.containsHeader("Content-Length")).as("declared %s", declared).isFalse();
			assertThat(capturing.capturedBody()).isEqualTo(BODY);
			capturing.sendCaptured();
			assertThat(client.getContentAsByteArray()).isEqualTo(BODY);
			assertThat(client.getContentLength()).isEqualTo(BODY.length);
		}
	}

	@Test
	void declaredLengthThatIsWrongChangesNothingButTheFirstBuffer() throws Exception {
		for (long declared : new long[] { 1, 5, BODY.length + 100L, 1L << 40 }) {
			MockHttpServletResponse client = new MockHttpServletResponse();
			CapturingResponse capturing = capturing(client, 1024);
			capturing.setContentLengthLong(declared);

			for (byte b : BODY) {
				capturing.getOutputStream().write(b);
			}

			assertThat(capturing.capturedBody()).as("declared %d", declared).isEqualTo(BODY);
			assertThat(capturing.capturedSize()).isEqualTo(BODY.length);
			capturing.sendCaptured();
			assertThat(client.getContentAsByteArray()).isEqualTo(BODY);
			assertThat(client.getContentLength()).isEqualTo(BODY.length);
		}
	}

	@Test
	void bodyPastTheLimitIsSentWholeAndNotKept() throws Exception {
		MockHttpServletResponse client = new MockHttpServletResponse();
		CapturingResponse capturing = capturing(client, 16);
		capturing.setContentLength(BODY.length);

		capturing.getOutputStream().write(BODY, 0, 10);
		capturing.getOutputStream().write(BODY, 10, BODY.length - 10);
		capturing.sendCaptured();

		assertThat(capturing.isOverflowed()).isTrue();
		assertThat(client.getContentAsByteArray()).isEqualTo(BODY);
	}

	@Test
	void resetBufferDropsWhatWasKept() throws Exception {
		MockHttpServletResponse client = new MockHttpServletResponse();
		CapturingResponse capturing = capturing(client, 1024);
		capturing.setContentLength(BODY.length);
		capturing.getOutputStream().write(BODY);

		capturing.resetBuffer();
		capturing.getOutputStream().write(BODY, 0, 4);

		assertThat(capturing.capturedBody()).isEqualTo(new byte[] { BODY[0], BODY[1], BODY[2], BODY[3] });
		capturing.sendCaptured();
		assertThat(client.getContentAsByteArray()).hasSize(4);
	}

	private static CapturingResponse capturing(MockHttpServletResponse client, long limit) {
		CapturingResponse capturing = new CapturingResponse(client, limit);
		capturing.startCapture();
		return capturing;
	}

}
