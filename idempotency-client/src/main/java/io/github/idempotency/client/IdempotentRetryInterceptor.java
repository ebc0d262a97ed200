package io.github.idempotency.client;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A {@link ClientHttpRequestInterceptor} for {@code RestClient} (and {@code RestTemplate}) that makes a
 * non-idempotent call safe to retry and retries it.
 * <p>
 * For a request whose method it handles ({@code POST} and {@code PATCH} by default; others pass through untouched):
 * <ul>
 * <li>it sends one idempotency key per logical call: the key the caller put in the header (e.g.
 * {@code IdempotencyContext.downstreamKey()}), else a new one from the {@link IdempotencyKeyGenerator}, made once
 * before the first attempt and kept for every retry;</li>
 * <li>it retries what {@link AttemptOutcome#isRetryable()} says: connect and read failures, {@code 409} with
 * {@code Retry-After}, {@code 429}, and 5xx other than {@code 501} and {@code 505}; never a {@code 400}, a
 * {@code 422} or another 4xx;</li>
 * <li>it waits {@code Retry-After} when the response has one (delta-seconds or HTTP-date), else an
 * {@link ExponentialBackoff exponential backoff with full jitter};</li>
 * <li>it stops after {@code maxAttempts} attempts, or when the next wait would end past {@code maxElapsedTime} after
 * the first attempt started; the caller then gets the last response, or the last attempt's exception;</li>
 * <li>it reads the body of the response it returns completely, so that a connection lost in the middle of the body is
 * retried too.</li>
 * </ul>
 * Retrying a {@code POST} is only safe against a server that honours the key; do not add this interceptor to clients
 * of servers that ignore it. Instances are immutable and thread-safe. Register it as the last interceptor, so that
 * the interceptors before it (authentication, tracing) run once per call and the ones after it once per attempt.
 */
public final class IdempotentRetryInterceptor implements ClientHttpRequestInterceptor {

	/**
	 * Response header by which an idempotent server marks a replayed response.
	 */
	public static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private final String headerName;

	private final Set<HttpMethod> methods;

	private final IdempotencyKeyGenerator keyGenerator;

	private final RetryLoop retries;

	private IdempotentRetryInterceptor(Builder builder) {
		this.headerName = builder.headerName;
		this.methods = Set.copyOf(builder.methods);
		this.keyGenerator = (builder.keyGenerator != null) ? builder.keyGenerator
				: IdempotencyKeyGenerator.uuidV7(builder.clock);
		this.retries = new RetryLoop(builder.maxAttempts, builder.maxElapsedTime,
				new ExponentialBackoff(builder.initialDelay, builder.multiplier, builder.maxDelay, builder.random),
				CompositeRetryListener.of(builder.listeners), builder.clock, builder.sleeper);
	}

	/**
	 * Starts a builder with the defaults: header {@code Idempotency-Key}, methods {@code POST} and {@code PATCH}, 4
	 * attempts within 30 seconds, backoff from 100 ms doubling up to 5 s, UUIDv7 keys.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		if (!this.methods.contains(request.getMethod())) {
			return execution.execute(request, body);
		}
		HttpHeaders headers = request.getHeaders();
		if (!hasText(headers.getFirst(this.headerName))) {
			headers.set(this.headerName, this.keyGenerator.generate());
		}
		return this.retries.execute(request, body, execution);
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	/**
	 * Builds an {@link IdempotentRetryInterceptor}; the way to use it without Spring Boot:
	 * <pre class="code">
	 * RestClient client = RestClient.builder()
	 *     .baseUrl("https://payments.example.com")
	 *     .requestInterceptor(IdempotentRetryInterceptor.builder().maxAttempts(5).build())
	 *     .build();
	 * </pre>
	 */
	public static final class Builder {

		private String headerName = "Idempotency-Key";

		private Set<HttpMethod> methods = Set.of(HttpMethod.POST, HttpMethod.PATCH);

		private int maxAttempts = 4;

		private Duration maxElapsedTime = Duration.ofSeconds(30);

		private Duration initialDelay = Duration.ofMillis(100);

		private double multiplier = 2.0;

		private Duration maxDelay = Duration.ofSeconds(5);

		private @Nullable IdempotencyKeyGenerator keyGenerator;

		private final List<IdempotentRetryListener> listeners = new ArrayList<>();

		private Clock clock = Clock.systemUTC();

		private Sleeper sleeper = Sleeper.THREAD;

		private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

		private Builder() {
		}

		/**
		 * Sets the request header that carries the key.
		 * @param headerName the header name, {@code Idempotency-Key} by default
		 * @return this builder
		 */
		public Builder headerName(String headerName) {
			if (!hasText(headerName)) {
				throw new IllegalArgumentException("header-name must not be empty");
			}
			this.headerName = headerName;
			return this;
		}

		/**
		 * Sets the HTTP methods whose calls get a key and are retried; calls with other methods pass through.
		 * @param methods the methods, {@code POST} and {@code PATCH} by default
		 * @return this builder
		 */
		public Builder methods(Set<HttpMethod> methods) {
			if (methods.isEmpty()) {
				throw new IllegalArgumentException("methods must not be empty");
			}
			this.methods = Set.copyOf(methods);
			return this;
		}

		/**
		 * Sets the most attempts of one call, the first included.
		 * @param maxAttempts at least 1 (1 never retries); 4 by default
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("max-attempts must be at least 1, was " + maxAttempts);
			}
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Sets the time after the first attempt's start past which no wait may end: a retry whose wait would end
		 * later is not made. It does not bound the attempts themselves (the request factory's timeouts do).
		 * @param maxElapsedTime positive, 30 seconds by default
		 * @return this builder
		 */
		public Builder maxElapsedTime(Duration maxElapsedTime) {
			if (maxElapsedTime.isNegative() || maxElapsedTime.isZero()) {
				throw new IllegalArgumentException("max-elapsed-time must be positive, was " + maxElapsedTime);
			}
			this.maxElapsedTime = maxElapsedTime;
			return this;
		}

		/**
		 * Sets the backoff used when a response has no {@code Retry-After}.
		 * @param initialDelay ceiling of the first wait, 100 ms by default
		 * @param multiplier growth of the ceiling per retry, 2 by default
		 * @param maxDelay largest ceiling, 5 s by default
		 * @return this builder
		 */
		public Builder backoff(Duration initialDelay, double multiplier, Duration maxDelay) {
			new ExponentialBackoff(initialDelay, multiplier, maxDelay, () -> 0.0);
			this.initialDelay = initialDelay;
			this.multiplier = multiplier;
			this.maxDelay = maxDelay;
			return this;
		}

		/**
		 * Sets the generator of the keys of calls whose caller sent none.
		 * @param keyGenerator the generator, UUIDv7 by default
		 * @return this builder
		 */
		public Builder keyGenerator(IdempotencyKeyGenerator keyGenerator) {
			this.keyGenerator = keyGenerator;
			return this;
		}

		/**
		 * Adds a listener, e.g. the Micrometer one.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(IdempotentRetryListener listener) {
			this.listeners.add(listener);
			return this;
		}

		/**
		 * Sets the clock that measures the total time and reads HTTP-date {@code Retry-After} values.
		 * @param clock the clock, the system UTC clock by default
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Sets what waits between attempts; tests pass one that advances their clock instead of sleeping.
		 * @param sleeper the sleeper, {@link Sleeper#THREAD} by default
		 * @return this builder
		 */
		public Builder sleeper(Sleeper sleeper) {
			this.sleeper = sleeper;
			return this;
		}

		/**
		 * Sets the source of the jitter.
		 * @param random uniform values in {@code [0, 1)}
		 * @return this builder
		 */
		public Builder random(DoubleSupplier random) {
			this.random = random;
			return this;
		}

		/**
		 * Builds the interceptor.
		 * @return the interceptor
		 */
		public IdempotentRetryInterceptor build() {
			return new IdempotentRetryInterceptor(this);
		}

	}

	@Override
	public String toString() {
		return "IdempotentRetryInterceptor[header=" + this.headerName + ", methods="
				+ this.methods.stream().map(HttpMethod::name).sorted().toList().toString().toUpperCase(Locale.ROOT)
				+ ", maxAttempts=" + this.retries.maxAttempts() + ", maxElapsedTime=" + this.retries.maxElapsedTime()
				+ "]";
	}

}
