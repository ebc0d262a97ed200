package io.github.idempotency.client.metrics;

/**
 * Names and tags of the retrying client's meters, in one place.
 */
public final class IdempotencyClientMetricNames {

	/**
	 * Counter of attempts, tagged {@link #OUTCOME}.
	 */
	public static final String ATTEMPTS = "idempotency.client.attempts";

	/**
	 * Counter of responses returned to callers that were replays ({@code Idempotent-Replayed: true}).
	 */
	public static final String REPLAYS = "idempotency.client.replays";

	/**
	 * Counter of calls that stopped retrying at the attempt or time limit, tagged {@link #OUTCOME} of the last
	 * attempt.
	 */
	public static final String RETRIES_EXHAUSTED = "idempotency.client.retries.exhausted";

	/**
	 * Tag: {@code success}, {@code not_retryable}, {@code retryable_status} or {@code io_error}.
	 */
	public static final String OUTCOME = "outcome";

	private IdempotencyClientMetricNames() {
	}

}
