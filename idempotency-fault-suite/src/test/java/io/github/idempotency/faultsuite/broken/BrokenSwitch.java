package io.github.idempotency.faultsuite.broken;

import org.jspecify.annotations.Nullable;

/**
 * The broken setting a child app runs with right now, or none: chosen at start-up by {@code fault-suite.broken}
 * and switched between a scenario's phases ({@code POST /fault-suite/broken}), so that a scenario's main run and
 * its negative control share one app instead of starting two.
 */
final class BrokenSwitch {

	/** The property's value for an app that starts intact and may be broken later. */
	static final String NONE = "none";

	private volatile @Nullable BrokenSetting current;

	BrokenSwitch(String initial) {
		set(initial);
	}

	boolean is(BrokenSetting setting) {
		return this.current == setting;
	}

	String current() {
		BrokenSetting setting = this.current;
		return (setting != null) ? setting.value() : NONE;
	}

	/**
	 * Switches.
	 * @param value a {@link BrokenSetting}'s value, or {@code none}
	 */
	void set(String value) {
		this.current = NONE.equals(value) ? null : BrokenSetting.of(value);
	}

}
