package io.github.idempotency.sample.web;

import java.net.URI;

/**
 * The {@code type} URIs of the problems the sample API answers. They are identifiers, stable across releases;
 * clients compare them, they do not fetch them.
 */
public final class ProblemTypes {

	private static final String BASE = "https://idempotency.github.io/sample/problems/";

	/** 400: the body is malformed or a field is invalid; {@code errors} lists the fields. */
	public static final URI INVALID_REQUEST = URI.create(BASE + "invalid-request");

	/** 402: the PSP declined the payment; a retry with the same key replays this answer. */
	public static final URI PAYMENT_DECLINED = URI.create(BASE + "payment-declined");

	/** 503: the PSP is unavailable; nothing was charged and a retry with the same key runs again. */
	public static final URI PSP_UNAVAILABLE = URI.create(BASE + "psp-unavailable");

	/** 404: no such payment for the caller. */
	public static final URI PAYMENT_NOT_FOUND = URI.create(BASE + "payment-not-found");

	/** 404: no such order. */
	public static final URI ORDER_NOT_FOUND = URI.create(BASE + "order-not-found");

	/** 409: the order is not in the transition's {@code from} state, or the edge does not exist. */
	public static final URI ILLEGAL_TRANSITION = URI.create(BASE + "illegal-transition");

	/** 409: another transition changed the order at the same moment; read it and try again. */
	public static final URI CONCURRENT_UPDATE = URI.create(BASE + "concurrent-update");

	private ProblemTypes() {
	}

}
