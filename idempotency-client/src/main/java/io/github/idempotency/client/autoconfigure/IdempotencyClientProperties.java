package io.github.idempotency.client.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the retrying client, under {@code idempotency.client}.
 */
@ConfigurationProperties("idempotency.client")
public class IdempotencyClientProperties {

	/**
	 * Whether the retrying client's interceptor bean is created.
	 */
	private boolean enabled = true;

	/**
	 * Name of the request header that carries the idempotency key.
	 */
	private String headerName = "Idempotency-Key";

	/**
	 * HTTP methods whose calls get an idempotency key and are retried; calls with other methods pass through.
	 */
	private Set<String> methods = new LinkedHashSet<>(List.of("POST", "PATCH"));

	/**
	 * Most attempts of one call, the first included; 1 never retries.
	 */
	private int maxAttempts = 4;

	/**
	 * Time after the first attempt's start past which no retry starts: a retry whose wait would end later is not
	 * made, and the caller gets the last response or exception.
	 */
	private Duration maxElapsedTime = Duration.ofSeconds(30);

	/**
	 * Ceiling of the first wait of the exponential backoff (used when a response has no Retry-After). Each wait is
	 * random between zero and its ceiling (full jitter).
	 */
	private Duration initialDelay = Duration.ofMillis(100);

	/**
	 * Factor by which the backoff's ceiling grows per retry; at least 1.
	 */
	private double multiplier = 2.0;

	/**
	 * Largest ceiling of the backoff. A Retry-After sent by the server is honoured even when longer, within
	 * max-elapsed-time.
	 */
	private Duration maxDelay = Duration.ofSeconds(5);

	/**
	 * Whether the interceptor is added to every RestClient.Builder that Spring Boot builds. Off by default: retrying
	 * a POST is safe only against servers that honour the idempotency key, so apply the interceptor to the clients of
	 * those servers yourself.
	 */
	private boolean customizeRestClientBuilder = false;

	private final Metrics metrics = new Metrics();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getHeaderName() {
		return this.headerName;
	}

	public void setHeaderName(String headerName) {
		this.headerName = headerName;
	}

	public Set<String> getMethods() {
		return this.methods;
	}

	public void setMethods(Set<String> methods) {
		this.methods = methods;
	}

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Duration getMaxElapsedTime() {
		return this.maxElapsedTime;
	}

	public void setMaxElapsedTime(Duration maxElapsedTime) {
		this.maxElapsedTime = maxElapsedTime;
	}

	public Duration getInitialDelay() {
		return this.initialDelay;
	}

	public void setInitialDelay(Duration initialDelay) {
		this.initialDelay = initialDelay;
	}

	public double getMultiplier() {
		return this.multiplier;
	}

	public void setMultiplier(double multiplier) {
		this.multiplier = multiplier;
	}

	public Duration getMaxDelay() {
		return this.maxDelay;
	}

	public void setMaxDelay(Duration maxDelay) {
		this.maxDelay = maxDelay;
	}

	public boolean isCustomizeRestClientBuilder() {
		return this.customizeRestClientBuilder;
	}

	public void setCustomizeRestClientBuilder(boolean customizeRestClientBuilder) {
		this.customizeRestClientBuilder = customizeRestClientBuilder;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	/**
	 * Metrics of the retrying client.
	 */
	public static class Metrics {

		/**
		 * Whether the retrying client's meters (attempts by outcome, replays received, exhausted retries) are
		 * published when Micrometer and a MeterRegistry are present.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
