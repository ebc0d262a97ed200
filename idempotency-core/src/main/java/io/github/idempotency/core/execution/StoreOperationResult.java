package io.github.idempotency.core.execution;

import java.util.Locale;

/**
 * How a store operation ended.
 */
public enum StoreOperationResult {

	/** The operation was applied (or, for a claim or a find, answered). */
	SUCCESS,

	/** A fenced write was refused: the token no longer owned the record. */
	FENCED,

	/** The store failed or could not be reached. */
	ERROR;

	private final String tagValue = name().toLowerCase(Locale.ROOT);

	/**
	 * The lower-case name used as a metric tag.
	 * @return the tag value
	 */
	public String tagValue() {
		return this.tagValue;
	}

}
