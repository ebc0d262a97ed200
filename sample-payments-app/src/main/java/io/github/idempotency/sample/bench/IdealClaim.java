package io.github.idempotency.sample.bench;

/**
 * What the hand-written minimal path found when it tried to claim a key.
 */
sealed interface IdealClaim {

	/** The key was free and is now held by this request: run the handler, then complete. */
	IdealClaim CLAIMED = new Claimed();

	/** Another request holds the key and has not finished: answer 409. */
	IdealClaim IN_PROGRESS = new InProgress();

	/** The key is held by this request. */
	record Claimed() implements IdealClaim {
	}

	/** Another request holds the key. */
	record InProgress() implements IdealClaim {
	}

	/**
	 * A finished request left this response body: replay it.
	 * @param body the stored body
	 */
	record Finished(byte[] body) implements IdealClaim {
	}

}
