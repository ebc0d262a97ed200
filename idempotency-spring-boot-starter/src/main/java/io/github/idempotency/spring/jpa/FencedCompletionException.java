package io.github.idempotency.spring.jpa;

import io.github.idempotency.core.IdempotencyKey;

/**
 * An execution lost its lease before its transaction committed: another execution took its key over (or could
 * have), so its completion was refused and its transaction, with the method's own database work, was rolled back.
 * Nothing it wrote to the database remains; the execution that holds the key now produces the result.
 */
public class FencedCompletionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient IdempotencyKey key;

	public FencedCompletionException(IdempotencyKey key) {
		super("The execution of " + key + " lost its lease before its transaction committed; its database work "
				+ "was rolled back");
		this.key = key;
	}

	/**
	 * The key whose execution was fenced.
	 * @return the key
	 */
	public IdempotencyKey getKey() {
		return this.key;
	}

}
