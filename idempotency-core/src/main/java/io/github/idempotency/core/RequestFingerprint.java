package io.github.idempotency.core;

import java.util.Objects;

/**
 * What a request asked for, so that a key reused for a different request is detected: a versioned SHA-256
 * ({@code v1:} followed by 64 hex characters; a version of at most 9 digits) of parts such as method, route and body.
 *
 * @param value the versioned hash
 */
public record RequestFingerprint(String value) {

	private static final String VERSION = "v1:";

	public RequestFingerprint {
		Objects.requireNonNull(value, "value");
		if (!isWellFormed(value)) {
			throw new IllegalArgumentException("A fingerprint is a version, a colon and 64 hex characters");
		}
	}

	// checked on every request, so by hand rather than with a regular expression
	private static boolean isWellFormed(String value) {
		int colon = value.indexOf(':');
		// at most 9 version digits: the stores' fingerprint columns hold 80 characters
		if (colon < 2 || colon > 10 || value.charAt(0) != 'v' || value.length() - colon - 1 != 64) {
			return false;
		}
		for (int i = 1; i < colon; i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return Sha256.isLowerHex(value, colon + 1);
	}

	/**
	 * Starts a fingerprint of the current version.
	 * @return a builder to add the request's parts to, in a fixed order
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Fingerprints the given parts.
	 * @param parts the parts, in a fixed order
	 * @return the fingerprint
	 */
	public static RequestFingerprint of(String... parts) {
		Builder builder = builder();
		for (String part : parts) {
			builder.add(part);
		}
		return builder.build();
	}

	@Override
	public String toString() {
		return this.value;
	}

	/**
	 * Adds the parts of a request one by one; each part is length-prefixed, so parts never run into each other.
	 * A builder makes one fingerprint: once {@link #build()} returned, it cannot be added to or built again.
	 */
	public static final class Builder {

		private final Sha256 sha = new Sha256();

		private Builder() {
		}

		public Builder add(String part) {
			this.sha.add(part);
			return this;
		}

		public Builder add(byte[] part) {
			this.sha.add(part);
			return this;
		}

		public Builder add(byte[] part, int offset, int length) {
			this.sha.add(part, offset, length);
			return this;
		}

		/**
		 * Ends the fingerprint.
		 * @return the fingerprint of the parts added
		 * @throws IllegalStateException when this builder already built one
		 */
		public RequestFingerprint build() {
			return new RequestFingerprint(this.sha.hex(VERSION));
		}

	}

}
