package io.github.idempotency.core.execution;

/**
 * How an execution's final write (complete or release) ended.
 */
public enum WriteOutcome {

	/** Written. */
	APPLIED,

	/**
	 * Refused: the execution no longer owned its record (its lease ran out). The result was not stored; it was
	 * reported to the listener and logged.
	 */
	FENCED,

	/**
	 * The store failed. The record stays as it was until its lease runs out; a retry after that runs again. Reported
	 * to the listener and logged.
	 */
	FAILED

}
