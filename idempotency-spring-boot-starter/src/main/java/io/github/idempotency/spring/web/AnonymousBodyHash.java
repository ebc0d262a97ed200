package io.github.idempotency.spring.web;

/**
 * What a request without an authenticated principal gets from an endpoint keyed by its body hash
 * ({@code KeySource.BODY_HASH}) and scoped by principal ({@code idempotency.anonymous-body-hash}). Every anonymous
 * caller has the same scope, so a body-hash record would be shared: guest B posting guest A's body would get A's
 * response.
 */
public enum AnonymousBodyHash {

	/** Refused with a 400 problem of type {@code anonymous-body-hash}: the safe default. */
	REJECT,

	/** The handler runs without idempotency protection, as if it were not annotated. */
	RUN_UNPROTECTED

}
