package io.github.idempotency.spring.actuate;

/**
 * Told of every delete an operator asks for through the {@code idempotency} actuator endpoint, whatever its outcome;
 * the auto-configuration counts them with Micrometer when it is present
 * ({@code idempotency.operator.deletions}).
 */
@FunctionalInterface
public interface RecordDeletionListener {

	/**
	 * A delete was decided.
	 * @param endpoint the endpoint's name, or {@code unknown} for a delete by hashed key alone
	 * @param outcome how it ended
	 */
	void onDeletion(String endpoint, RecordDeletionOutcome outcome);

}
