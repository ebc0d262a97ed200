package io.github.idempotency.core;

/**
 * The four states of an idempotency record.
 */
public enum RecordState {

	/** Never seen, expired, or released: nothing is stored. */
	ABSENT,

	/** An execution holds the key under a lease; the record carries its owner token. */
	ONGOING,

	/** The execution succeeded; its response is replayed to retries. */
	FINISHED_OK,

	/** The execution failed with a result worth replaying (a cacheable client error). */
	FINISHED_ERROR;

	/**
	 * Whether this state holds a stored response.
	 * @return {@code true} for {@link #FINISHED_OK} and {@link #FINISHED_ERROR}
	 */
	public boolean isFinished() {
		return this == FINISHED_OK || this == FINISHED_ERROR;
	}

}
