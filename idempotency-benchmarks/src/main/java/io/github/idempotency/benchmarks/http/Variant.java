package io.github.idempotency.benchmarks.http;

/**
 * The three paths of the sample app's {@code bench} profile, measured side by side.
 */
enum Variant {

	/** No protection: the floor. */
	PLAIN("/bench/plain"),

	/** The library, {@code @Idempotent} with the header key. */
	IDEM("/bench/idem"),

	/** The hand-written minimal path for the active store. */
	IDEAL("/bench/ideal");

	private final String path;

	Variant(String path) {
		this.path = path;
	}

	String path() {
		return this.path;
	}

	String label() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
