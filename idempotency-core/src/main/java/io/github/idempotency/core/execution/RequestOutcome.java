package io.github.idempotency.core.execution;

import java.util.Locale;

/**
 * How one protected request ended, as counted by {@link IdempotencyListener#onOutcome}. A fixed set, so that
 * metrics stay bounded.
 */
public enum RequestOutcome {

	/** The execution ran and its result was stored. */
	EXECUTED,

	/** A stored result was replayed; nothing ran. */
	REPLAYED,

	/** The key was in progress elsewhere and the request was refused (or its wait timed out). */
	CONFLICT,

	/** The key was used before for a different request. */
	MISMATCH,

	/** The endpoint requires a key and none was sent. */
	MISSING_KEY,

	/** The key was empty, too long or not printable ASCII. */
	INVALID_KEY,

	/** The store could not be reached (the request was refused, or ran unprotected when failing open). */
	STORE_UNAVAILABLE,

	/** The execution ran and failed in a way that must stay retryable: the key was released. */
	RELEASED;

	private final String tagValue = name().toLowerCase(Locale.ROOT);

	/**
	 * The lower-case name used as a metric tag, e.g. {@code missing_key}.
	 * @return the tag value
	 */
	public String tagValue() {
		return this.tagValue;
	}

}
