package io.github.idempotency.spring.web;

/**
 * What of a request body goes into the fingerprint that a repeated key must match
 * ({@code idempotency.fingerprint}, per endpoint {@code idempotency.endpoints.<name>.fingerprint}). Method, route,
 * path and query are always part of it.
 */
public enum BodyFingerprint {

	/**
	 * A JSON body ({@code application/json}, {@code application/*+json}) by its canonical form: members in any order
	 * and any insignificant whitespace match, different values never do. Other bodies, and JSON that is not one
	 * document, by their bytes.
	 */
	CANONICAL,

	/** The body's exact bytes. */
	BYTES,

	/** The body is not fingerprinted: a repeated key with another body replays. */
	NONE

}
