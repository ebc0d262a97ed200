package io.github.idempotency.spring.autoconfigure;

import java.time.Duration;

import io.github.idempotency.core.execution.ConflictStrategy;
import io.github.idempotency.spring.web.BodyFingerprint;
import org.jspecify.annotations.Nullable;

/**
 * Overrides for one endpoint; unset values fall back to the global ones.
 */
public class EndpointProperties {

	/**
	 * How long a finished result of this endpoint is kept and replayed.
	 */
	private @Nullable Duration ttl;

	/**
	 * How long a claim of this endpoint holds without renewal.
	 */
	private @Nullable Duration lease;

	/**
	 * What a duplicate of this endpoint does while the first request still runs.
	 */
	private @Nullable ConflictStrategy onConflict;

	/**
	 * How long a duplicate of this endpoint waits when on-conflict is 'wait'.
	 */
	private @Nullable Duration waitTimeout;

	/**
	 * Longest this endpoint's lease is renewed while its method runs; past it, renewals stop and the key can be
	 * taken over once the lease runs out. Unset falls back to idempotency.max-execution-time.
	 */
	private @Nullable Duration maxExecutionTime;

	/**
	 * What of a request body a repeated key of this endpoint must match: 'canonical', 'bytes' or 'none'.
	 */
	private @Nullable BodyFingerprint fingerprint;

	public @Nullable BodyFingerprint getFingerprint() {
		return this.fingerprint;
	}

	public void setFingerprint(@Nullable BodyFingerprint fingerprint) {
		this.fingerprint = fingerprint;
	}

	public @Nullable Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(@Nullable Duration ttl) {
		this.ttl = ttl;
	}

	public @Nullable Duration getLease() {
		return this.lease;
	}

	public void setLease(@Nullable Duration lease) {
		this.lease = lease;
	}

	public @Nullable ConflictStrategy getOnConflict() {
		return this.onConflict;
	}

	public void setOnConflict(@Nullable ConflictStrategy onConflict) {
		this.onConflict = onConflict;
	}

	public @Nullable Duration getWaitTimeout() {
		return this.waitTimeout;
	}

	public void setWaitTimeout(@Nullable Duration waitTimeout) {
		this.waitTimeout = waitTimeout;
	}

	public @Nullable Duration getMaxExecutionTime() {
		return this.maxExecutionTime;
	}

	public void setMaxExecutionTime(@Nullable Duration maxExecutionTime) {
		this.maxExecutionTime = maxExecutionTime;
	}

}
