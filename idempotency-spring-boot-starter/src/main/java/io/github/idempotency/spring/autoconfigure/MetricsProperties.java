package io.github.idempotency.spring.autoconfigure;

/**
 * Micrometer metrics settings.
 */
public class MetricsProperties {

	/**
	 * Whether idempotency meters (requests by outcome, store operations, active executions, fenced writes,
	 * stored response sizes) are published when Micrometer and a MeterRegistry are present.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}