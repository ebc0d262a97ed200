package io.github.idempotency.sample.psp;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A behaviour the caller asks the fake PSP to show: a demo and test hook, not a feature of a real payments API.
 */
public enum Simulation {

	/** The PSP declines the charge: a client error that the idempotency layer stores and replays. */
	@JsonProperty("decline")
	DECLINE,

	/** The PSP cannot be reached: a server error, so the key is released and a retry runs again. */
	@JsonProperty("psp-unavailable")
	PSP_UNAVAILABLE,

	/** The PSP takes the requested delay before it charges, to make concurrent duplicates overlap. */
	@JsonProperty("slow")
	SLOW

}
