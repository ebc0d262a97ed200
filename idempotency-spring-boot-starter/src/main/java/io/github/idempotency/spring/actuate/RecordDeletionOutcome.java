package io.github.idempotency.spring.actuate;

import java.util.Locale;

/**
 * How an operator's delete of one record ended.
 */
public enum RecordDeletionOutcome {

	/** The record was the version the operator presented, and it was deleted. */
	DELETED,

	/** A forced delete removed the record, whatever its state and owner. */
	FORCED,

	/** Fenced: the record changed since the operator read it (completed, taken over, written again); kept. */
	CHANGED,

	/** There was no record in force to delete. */
	ABSENT,

	/** Fenced: the record cannot be decoded, so no version can match it; only a forced delete removes it. */
	UNREADABLE;

	/**
	 * The value of the {@code outcome} tag and of the response's {@code outcome} member.
	 * @return the name in lower case
	 */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT);
	}

}
