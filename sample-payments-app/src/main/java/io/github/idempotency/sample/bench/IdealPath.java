package io.github.idempotency.sample.bench;

/**
 * The least work any idempotency implementation could do for one store, to measure the library against: a claim
 * that reads the stored response when the key is taken, and a completion that stores the response. No fencing
 * token, no lease renewal, no fingerprint, no metrics; strictly less work than a correct library.
 */
interface IdealPath {

	/**
	 * Claims the key, or reads what holds it, in one round trip.
	 * @param key the client's key
	 * @return what the store held
	 */
	IdealClaim claim(String key);

	/**
	 * Stores the response of the request that claimed the key.
	 * @param key the client's key
	 * @param body the response body
	 */
	void complete(String key, byte[] body);

}
