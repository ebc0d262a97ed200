package io.github.idempotency.core.execution;

/**
 * Why a protected request was refused without running: the one vocabulary that the executor's results, the
 * starter's exception and its problem details share. Each layer maps it in one place.
 */
public enum Refusal {

	/** The request carries no key, though its operation requires one. */
	MISSING_KEY,

	/** The key is empty, too long or not printable ASCII. */
	INVALID_KEY,

	/** A request with the same key is still running elsewhere (and the wait, if any, ran out). */
	IN_PROGRESS,

	/** The key was used before for a different request. */
	KEY_MISMATCH,

	/** The store could not be reached and the policy fails closed. */
	STORE_UNAVAILABLE,

	/**
	 * The key's stored record cannot be read. It is never treated as absent, since that could run the request
	 * twice; an operator inspects or deletes it.
	 */
	RECORD_CORRUPT;

	/**
	 * Whether the same request may succeed later: the running duplicate ends, or the store comes back.
	 * @return {@code true} for {@link #IN_PROGRESS} and {@link #STORE_UNAVAILABLE}
	 */
	public boolean isTransient() {
		return this == IN_PROGRESS || this == STORE_UNAVAILABLE;
	}

}
