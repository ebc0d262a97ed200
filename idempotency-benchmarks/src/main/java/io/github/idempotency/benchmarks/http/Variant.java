package io.github.idempotency.benchmarks.http;

/**
 * The three paths of the sample app's {@code bench} profile, measured side by side, and the library's path of another
 * build of the app, when one is given to compare with.
 */
enum Variant {

	/** No protection: the floor. */
	PLAIN("/bench/plain"),

	/** The library, {@code @Idempotent} with the header key. */
	IDEM("/bench/idem"),

	/** The hand-written minimal path for the active store. */
	IDEAL("/bench/ideal"),

	/**
	 * The library's path in another build of the sample app ({@code --baseline-app}), running beside the first on a
	 * store of its own: a change against the code before it, in the same rounds.
	 */
	BASELINE("/bench/idem");

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
