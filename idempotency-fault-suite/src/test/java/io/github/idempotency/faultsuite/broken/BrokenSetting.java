package io.github.idempotency.faultsuite.broken;

/**
 * The deliberately broken stores and settings that negative controls run against, selected in a child app by
 * {@code fault-suite.broken=<name>} at start-up, or switched at run time in an app started with
 * {@code fault-suite.broken=none} ({@code ChildApp.breakWith}). Each removes one safeguard that a scenario relies on.
 */
public enum BrokenSetting {

	/** The claim reads, then writes blindly in a second step: concurrent claims of one key can both win. */
	READ_THEN_WRITE_CLAIM("read-then-write-claim"),

	/** A fenced completion is forced through with the current owner's token: completion by key alone. */
	UNFENCED_COMPLETION("unfenced-completion"),

	/** Renewals report success and extend nothing: a slow live execution is taken over after one lease. */
	NO_RENEWAL("no-renewal"),

	/** A completion that failed once is never written: the record stays ongoing until its lease runs out. */
	NO_COMPLETION_RETRY("no-completion-retry"),

	/** Every authenticated caller is seen as one principal: keys lose their user scope. */
	UNSCOPED_KEY("unscoped-key");

	/** The property that selects one. */
	public static final String PROPERTY = "fault-suite.broken";

	private final String value;

	BrokenSetting(String value) {
		this.value = value;
	}

	/** The property's value. */
	public String value() {
		return this.value;
	}

	/**
	 * The setting with this value.
	 * @param value the property's value
	 * @return the setting
	 */
	static BrokenSetting of(String value) {
		for (BrokenSetting setting : values()) {
			if (setting.value.equals(value)) {
				return setting;
			}
		}
		throw new IllegalArgumentException("unknown " + PROPERTY + ": " + value);
	}

}
