package io.github.idempotency.benchmarks.http;

/**
 * Counts, on the server, the store operations the app makes while a known number of requests run.
 */
interface RoundTripCounter extends AutoCloseable {

	/** For the memory store: nothing to count. */
	RoundTripCounter NONE = new RoundTripCounter() {

		@Override
		public void start() {
		}

		@Override
		public String stop(long requests) {
			return "-";
		}

	};

	/**
	 * Starts counting.
	 * @throws Exception when the server cannot be asked
	 */
	void start() throws Exception;

	/**
	 * Stops counting.
	 * @param requests how many requests ran since {@link #start()}
	 * @return what was counted per request, short enough for a table cell
	 * @throws Exception when the server cannot be asked
	 */
	String stop(long requests) throws Exception;

	/**
	 * Whether {@link #start()} may reuse the reading of the previous {@link #stop}, so that nothing may reach the
	 * store between the two (the replayed keys' first requests are sent before the first reading).
	 * @return {@code true} when readings are slow and reused
	 */
	default boolean readsLate() {
		return false;
	}

	@Override
	default void close() throws Exception {
	}

}
