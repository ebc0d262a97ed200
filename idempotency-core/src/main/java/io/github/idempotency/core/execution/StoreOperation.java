package io.github.idempotency.core.execution;

import java.util.Locale;

/**
 * The store operations the executor performs and reports to {@link IdempotencyListener#onStoreOperation}.
 */
public enum StoreOperation {

	CLAIM, COMPLETE, RELEASE, RENEW, FIND;

	private final String tagValue = name().toLowerCase(Locale.ROOT);

	/**
	 * The lower-case name used as a metric tag.
	 * @return the tag value
	 */
	public String tagValue() {
		return this.tagValue;
	}

}
