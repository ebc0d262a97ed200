package io.github.idempotency.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method at most once per idempotency key; retries get the first result back.
 * <p>
 * On a controller method the key comes from the {@code Idempotency-Key} header by default, and retries receive the
 * exact HTTP response the first request produced (status, replayable headers, body bytes) with
 * {@code Idempotent-Replayed: true}. On any other bean method the return value is stored as JSON and returned on
 * replay. Durations accept {@code 24h}, {@code PT24H} and {@code ${...}} placeholders; an empty value falls back to
 * {@code idempotency.endpoints.<name>.*}, then to {@code idempotency.*}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Idempotent {

	/**
	 * Name of the endpoint, for metrics and for {@code idempotency.endpoints.<name>.*}. Defaults to the route
	 * template of a controller method, or {@code Class#method} otherwise.
	 */
	String name() default "";

	/**
	 * SpEL expression over the method's arguments (by parameter name, e.g.
	 * {@code #orderId + ':' + #t.from + ':' + #t.to}) whose value is the key. When set, the header is not read.
	 */
	String key() default "";

	/** Where the key comes from when {@link #key()} is empty. */
	KeySource keySource() default KeySource.HEADER;

	/**
	 * Header that carries the key of a message listener with {@link KeySource#HEADER}: an AMQP header or a Kafka
	 * record header (e.g. {@code message-id}). Empty for {@code idempotency.header-name}. Controllers always read
	 * {@code idempotency.header-name}.
	 */
	String header() default "";

	/**
	 * SpEL expression over the method's arguments, like {@link #key()}, whose value a repeated key must match (for
	 * instance {@code #msg.payload}, so that a redelivery that carries a new attempt number still replays). Empty
	 * for the default: all arguments of a non-web method except framework delivery types (see
	 * {@code docs/usage.md}). Not supported on controller methods, whose fingerprint is the request.
	 */
	String fingerprint() default "";

	/**
	 * Exceptions that end the execution for good on a non-web method or a message listener: the key is recorded as
	 * failed (FINISHED_ERROR) instead of released, so a redelivery is skipped rather than run again. Subclasses
	 * match. Any other exception releases the key.
	 */
	Class<? extends Throwable>[] noRetryFor() default {};

	/** Whether a request without a key is refused (400); when {@code false} it runs unprotected. */
	boolean required() default true;

	/** Retention of a finished result, e.g. {@code 24h}; empty for the configured default. */
	String ttl() default "";

	/** Lease of a running execution, e.g. {@code 30s}; empty for the configured default. */
	String lease() default "";

	/** What a duplicate does while the first request runs; {@link OnConflict#DEFAULT} for the configured one. */
	OnConflict onConflict() default OnConflict.DEFAULT;

	/** Who may share a record: by default the key is scoped by the authenticated principal. */
	Scope scope() default Scope.PRINCIPAL;

	/**
	 * Where the key comes from.
	 */
	enum KeySource {

		/**
		 * The idempotency key header ({@code idempotency.header-name}); on a message listener, the AMQP or Kafka
		 * header named by {@link Idempotent#header()}.
		 */
		HEADER,

		/** A SHA-256 of the request body: identical bodies are the same request. */
		BODY_HASH,

		/** A message listener's broker message id: the AMQP {@code message_id} property. */
		MESSAGE_ID,

		/**
		 * A Kafka listener's record key on its topic, as {@code topic/key}: records published with the same key to
		 * the same topic are the same message.
		 */
		RECORD_KEY

	}

	/**
	 * What a duplicate does while the first request runs.
	 */
	enum OnConflict {

		/** {@code idempotency.endpoints.<name>.on-conflict}, else {@code idempotency.on-conflict}. */
		DEFAULT,

		/** 409 with {@code Retry-After}. */
		REJECT,

		/** Wait up to the wait timeout for the first result and replay it. */
		WAIT

	}

	/**
	 * Who may share a record.
	 */
	enum Scope {

		/** Each authenticated principal has its own keys (anonymous callers share one scope). */
		PRINCIPAL,

		/** Every caller shares the keys, e.g. a state transition requested by several systems. */
		GLOBAL,

		/** The application's {@code IdempotencyScopeResolver} bean decides. */
		CUSTOM

	}

}
