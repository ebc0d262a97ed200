package io.github.idempotency.client;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class AttemptOutcomeTest {

	private static final HttpHeaders NONE = new HttpHeaders();

	private static HttpHeaders retryAfter() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "1");
		return headers;
	}

	@ParameterizedTest
	@ValueSource(ints = { 200, 201, 204, 302, 304 })
	void successIsReturned(int status) {
		assertThat(AttemptOutcome.of(status, NONE)).isEqualTo(AttemptOutcome.SUCCESS);
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 502, 503, 504, 599 })
	void serverErrorsAreRetried(int status) {
		assertThat(AttemptOutcome.of(status, NONE)).isEqualTo(AttemptOutcome.RETRYABLE_STATUS);
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 401, 403, 404, 409, 410, 412, 422, 501, 505 })
	void clientErrorsAndPermanentServerErrorsAreNotRetried(int status) {
		assertThat(AttemptOutcome.of(status, NONE)).isEqualTo(AttemptOutcome.NOT_RETRYABLE);
		assertThat(AttemptOutcome.of(status, NONE).isRetryable()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(ints = { 400, 422 })
	void badRequestAndMismatchAreNotRetriedEvenWithRetryAfter(int status) {
		assertThat(AttemptOutcome.of(status, retryAfter())).isEqualTo(AttemptOutcome.NOT_RETRYABLE);
	}

	@ParameterizedTest
	@ValueSource(ints = { 409, 429 })
	void inProgressWithRetryAfterAndTooManyRequestsAreRetried(int status) {
		assertThat(AttemptOutcome.of(status, retryAfter())).isEqualTo(AttemptOutcome.RETRYABLE_STATUS);
	}

	@ParameterizedTest
	@ValueSource(ints = { 429 })
	void tooManyRequestsIsRetriedWithoutRetryAfter(int status) {
		assertThat(AttemptOutcome.of(status, NONE)).isEqualTo(AttemptOutcome.RETRYABLE_STATUS);
	}

	@ParameterizedTest
	@ValueSource(strings = { "IO_ERROR", "RETRYABLE_STATUS" })
	void retryableOutcomesTagInLowerCase(AttemptOutcome outcome) {
		assertThat(outcome.isRetryable()).isTrue();
		assertThat(outcome.tagValue()).isEqualTo(outcome.name().toLowerCase());
	}

}
