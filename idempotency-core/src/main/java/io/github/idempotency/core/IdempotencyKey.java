package io.github.idempotency.core;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A client's idempotency key within its scope: who asked ({@code scope}, e.g. the principal, or empty for a
 * global scope), for what ({@code operation}, e.g. {@code POST /payments}) and the key itself.
 * <p>
 * Two keys that differ in scope or operation never share a record. Stores see only {@link #storageKey()}, a hash.
 */
public final class IdempotencyKey {

	/** Longest client key accepted, as the IETF draft and Stripe allow. */
	public static final int MAX_LENGTH = 255;

	private final String scope;

	private final String operation;

	private final String clientKey;

	private final String namespace;

	/**
	 * Hashed on first use: a key made by {@link #of} is usually placed {@link #inNamespace in a namespace} before
	 * anything asks for its storage key, and the hash outside the namespace is then never needed. An immutable
	 * record in a plain field: a thread that sees none computes the same value again.
	 */
	private @Nullable StorageKey storageKey;

	private IdempotencyKey(String namespace, String scope, String operation, String clientKey) {
		this.namespace = namespace;
		this.scope = Objects.requireNonNull(scope, "scope");
		this.operation = Objects.requireNonNull(operation, "operation");
		this.clientKey = clientKey;
	}

	/**
	 * Creates a key, validating the client part.
	 * @param scope who the key belongs to; empty for a global scope
	 * @param operation what the key protects (method and route, or a name)
	 * @param clientKey the client's key: 1 to 255 printable ASCII characters
	 * @return the key
	 * @throws InvalidIdempotencyKeyException when the client key breaks a rule
	 */
	public static IdempotencyKey of(String scope, String operation, String clientKey) {
		validate(clientKey, MAX_LENGTH);
		return new IdempotencyKey("", scope, operation, clientKey);
	}

	/**
	 * This key within an application's namespace, so that applications sharing one store never share a record:
	 * the same scope, operation and client key in two namespaces have different storage keys (and downstream keys).
	 * @param namespace the application's namespace (e.g. {@code spring.application.name}); empty for none
	 * @return the key in that namespace; this key when it already is
	 */
	public IdempotencyKey inNamespace(String namespace) {
		Objects.requireNonNull(namespace, "namespace");
		return namespace.equals(this.namespace) ? this
				: new IdempotencyKey(namespace, this.scope, this.operation, this.clientKey);
	}

	/**
	 * The application namespace of this key.
	 * @return the namespace; empty for none
	 */
	public String namespace() {
		return this.namespace;
	}

	/**
	 * Checks a client key: not empty, at most {@code maxLength} characters, printable ASCII only
	 * ({@code 0x20}..{@code 0x7E}).
	 * @param clientKey the key to check
	 * @param maxLength the longest accepted length, at most {@link #MAX_LENGTH}
	 * @throws InvalidIdempotencyKeyException when a rule is broken
	 */
	public static void validate(String clientKey, int maxLength) {
		if (clientKey == null || clientKey.isEmpty()) {
			throw new InvalidIdempotencyKeyException("The idempotency key is empty");
		}
		int limit = Math.min(maxLength, MAX_LENGTH);
		if (clientKey.length() > limit) {
			throw new InvalidIdempotencyKeyException("The idempotency key is longer than " + limit + " characters");
		}
		for (int i = 0; i < clientKey.length(); i++) {
			char c = clientKey.charAt(i);
			if (c < 0x20 || c > 0x7E) {
				throw new InvalidIdempotencyKeyException(
						"The idempotency key contains a character outside printable ASCII at position " + i);
			}
		}
	}

	public String scope() {
		return this.scope;
	}

	public String operation() {
		return this.operation;
	}

	public String clientKey() {
		return this.clientKey;
	}

	/**
	 * The key as stores see it.
	 * @return a fixed-length hash of scope, operation and client key
	 */
	public StorageKey storageKey() {
		StorageKey key = this.storageKey;
		if (key == null) {
			// without a namespace, the hash of the first releases, so that their records stay valid
			Sha256 hash = this.namespace.isEmpty() ? new Sha256().add("idempotency-key-v1")
					: new Sha256().add("idempotency-key-v1-namespaced").add(this.namespace);
			key = new StorageKey(hash.add(this.scope).add(this.operation).add(this.clientKey).hex());
			this.storageKey = key;
		}
		return key;
	}

	/**
	 * A deterministic key for a call that the protected execution makes to another system (for instance as the
	 * {@code Idempotency-Key} of a payment provider's API), so that a retry after a crash is deduplicated there
	 * too. It reveals neither the client key nor the scope.
	 * @return 64 hex characters, the same for every execution of this key
	 */
	public String downstreamKey() {
		return new Sha256().add("idempotency-downstream-v1").add(storageKey().value()).hex();
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof IdempotencyKey that && storageKey().equals(that.storageKey()));
	}

	@Override
	public int hashCode() {
		return storageKey().hashCode();
	}

	/** Shows the storage key only: client keys and scopes may be sensitive and stay out of logs. */
	@Override
	public String toString() {
		return "IdempotencyKey[" + storageKey() + "]";
	}

}
