package io.github.idempotency.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a request asked for, so that a key reused for a different request is detected: a versioned SHA-256
 * ({@code v1:} followed by 64 hex characters) of parts such as method, route and body.
 *
 * @param value the versioned hash
 */
public record RequestFingerprint(String value) {

	private static final Pattern SHAPE = Pattern.compile("v[0-9]+:[0-9a-f]{64}");

	private static final String VERSION = "v1:";

	public RequestFingerprint {
		Objects.requireNonNull(value, "value");
		if (!SHAPE.matcher(value).matches()) {
			throw new IllegalArgumentException("A fingerprint is a version, a colon and 64 hex characters");
		}
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

		public RequestFingerprint build() {
			return new RequestFingerprint(VERSION + this.sha.hex());
		}

	}

}
